// Test helpers for reproducibility under concurrency: reply latencies that reorder replies, and a runner.

import { NO_LIMITS, type Budget } from '../budget.js';
import type { AlgorithmConfig } from '../config.js';
import type { Step } from '../model.js';
import { runSearch, type SearchOutcome } from '../search.js';
import type { TreeSnapshot } from '../tree.js';
import { hashInts } from '../seed.js';
import { SyntheticClient, type CallRecord, type SyntheticOptions, type World } from './synthetic.js';

/** 0-4 ms per call, and its mirror image, so replies within a wave complete in opposite orders. */
export const shuffled = (call: CallRecord): number => hashInts([call.index]) % 5;
export const mirrored = (call: CallRecord): number => 4 - shuffled(call);

export interface Searched {
  outcome: SearchOutcome;
  client: SyntheticClient;
}

export async function searchIn(
  world: World,
  algorithm: AlgorithmConfig,
  options: {
    budget?: Partial<Budget>;
    seed?: number;
    client?: Partial<SyntheticOptions>;
    stateKey?: (steps: readonly Step[]) => string;
  } = {},
): Promise<Searched> {
  const client = new SyntheticClient({ world, ...options.client });
  const outcome = await runSearch({
    algorithm,
    budget: { ...NO_LIMITS, ...options.budget },
    seed: options.seed ?? 3,
    client,
    ...(options.stateKey ? { stateKey: options.stateKey } : {}),
  });
  return { outcome, client };
}

/** The step texts from the root to node `id`, joined: the node's state in a letter world. */
export function pathOf(tree: TreeSnapshot, id: number): string {
  const steps: string[] = [];
  for (let node = tree.nodes[id]; node && node.id !== 0; node = tree.nodes[node.parentId]) {
    steps.unshift(node.step?.text ?? '');
  }
  return steps.join('');
}

/** Call ids with their prefixes: equal lists mean the same calls were issued in the same order. */
export const callLog = (client: SyntheticClient): Array<[string, string | undefined]> =>
  client.calls.map((c) => [c.callId, c.prefix]);

/** What a budget field measures, from a finished search. */
export function used(run: Searched, field: 'maxExpansions' | 'maxModelCalls' | 'maxNodes' | 'maxDepth'): number {
  switch (field) {
    case 'maxExpansions':
      return run.outcome.stats.expansions;
    case 'maxModelCalls':
      return run.client.calls.length;
    case 'maxNodes':
      return run.outcome.tree.nodes.length;
    case 'maxDepth':
      return Math.max(...run.outcome.tree.nodes.map((n) => n.depth));
  }
}

/**
 * A world whose process reward model is fooled at the first step: 'a' gets the best first-step reward
 * (0.9) and 'b' 0.7, but only paths through 'c' (reward 0.5) lead anywhere; after it the optimum `cba`
 * earns 0.9 per step. Every continuation of 'a' or 'b' earns 0.6, enough to outrank 'c' under 'min'.
 */
export function trapWorld(): World {
  const optimum = 'cba';
  return {
    options(path) {
      if (path.length >= 3) return [];
      return [...'abc'].map((letter) => {
        const next = path.join('') + letter;
        const terminal = path.length + 1 === 3;
        const logprob = { a: -0.3, b: -1.0, c: -1.8 }[letter] ?? -3;
        return { text: letter, logprob, terminal, answer: terminal ? (next === optimum ? '42' : `w-${next}`) : '' };
      });
    },
    stepReward(path) {
      const p = path.join('');
      if (p.length === 1) return { a: 0.9, b: 0.7, c: 0.5 }[p] ?? 0;
      if (p.startsWith('c')) return optimum.startsWith(p) ? 0.9 : 0.3;
      return 0.6;
    },
    value: (path) => (optimum.startsWith(path.join('')) ? 0.8 : 0.2),
    outcome: (path) => (path.length === 3 ? (path.join('') === optimum ? 1 : 0) : undefined),
  };
}
