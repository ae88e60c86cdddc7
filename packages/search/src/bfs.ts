// Best-first search: always expand the most promising open node, a few at a time in synchronous waves.

import type { BfsConfig } from './config.js';
import { noPick, type AlgorithmResult, type Pick, type SearchContext } from './context.js';
import { pickFinished, type Finished } from './finished.js';
import { Heap } from './heap.js';
import { expandWave } from './level.js';
import { StateRegistry } from './registry.js';
import { CALL_PURPOSE, deriveSeed } from './seed.js';
import type { TreeNode } from './tree.js';

interface Open {
  node: number;
  priority: number;
}

/** Higher priority first; the lower (earlier) id on ties, so the order is total and pops are reproducible. */
const before = (a: Open, b: Open): boolean => a.priority > b.priority || (a.priority === b.priority && a.node < b.node);

/** A logprob a sum can use: a missing or broken one counts as practically impossible rather than NaN. */
function usableLogprob(lp: number): number {
  return Number.isFinite(lp) ? lp : -1e9;
}

/**
 * Best-first search as in BFS-Prover (Xin et al. 2025, "BFS-Prover: Scalable Best-First Tree Search for
 * LLM-based Automatic Theorem Proving"). A priority queue holds the open nodes, by one of:
 * - 'logprob': the path's cumulative logprob over depth^lengthPenalty (BFS-Prover's length-normalised
 *   score; alpha = 0 is plain likelihood and favours shallow nodes, alpha = 1 the mean step logprob);
 * - 'value': the value service's estimate of the node's state.
 * A wave pops up to parallelExpansions best nodes and proposes childrenPerNode candidates for each, all at
 * once; children are created in pop order, scored in one batch call and, with 'value', the non-terminal
 * ones evaluated in one call alongside. A child whose step reward is 0 is dropped (the reward model calls
 * the step invalid); the rest enter the queue unless terminal or at the depth cap. Waves are synchronous,
 * so the tree depends on the seed alone. The answer is the best finished trajectory: a verified one first,
 * then by outcome, else by the PRM's reward for its last step.
 *
 * Own stop reasons: 'exhausted' when the queue empties; 'max_depth' instead when some nodes only left
 * it because of the depth cap. With stopOnSolution, the wave that finds a trajectory with outcome >= 1
 * ends the search ('solved').
 */
export async function runBestFirst(ctx: SearchContext, config: BfsConfig): Promise<AlgorithmResult> {
  const { tree, meter, control } = ctx;
  const registry = new StateRegistry(config.dedupeStates, ctx.stateKey);
  const queue = new Heap<Open>(before);
  /** Kept non-terminal nodes, open or not: the best of them is the partial answer when nothing finished. */
  const frontier: Open[] = [];
  const finished: Finished[] = [];
  const cumulative = new Map<number, number>([[0, 0]]);
  let capped = false;

  const priorityOf = (node: TreeNode): number => {
    if (config.priority === 'value') return node.value ?? 0;
    const sum = (cumulative.get(node.parentId) ?? 0) + usableLogprob(node.step?.logprob ?? 0);
    cumulative.set(node.id, sum);
    return sum / Math.pow(node.depth, config.lengthPenalty);
  };

  const deeper = (a: Open, b: Open): boolean =>
    a.priority > b.priority || (a.priority === b.priority && tree.node(a.node).depth > tree.node(b.node).depth);

  const pick = (): Pick => {
    const chosen = pickFinished(tree, finished, 'best', ctx.answerKey);
    if (chosen) return chosen;
    // Among equals the deeper node: a longer partial trajectory tells the caller more.
    const lead = frontier.reduce<Open | undefined>((top, o) => (!top || deeper(o, top) ? o : top), undefined);
    if (!lead) return noPick();
    // A logprob priority is no score in [0, 1]; the last step's reward says more about a partial answer.
    const score = config.priority === 'value' ? lead.priority : (tree.node(lead.node).reward ?? 0);
    return { answer: '', best: tree.steps(lead.node), score };
  };

  queue.push({ node: 0, priority: 0 });
  while (!control.stopped && queue.size > 0) {
    const popped: Open[] = [];
    while (popped.length < config.parallelExpansions) {
      const next = queue.pop();
      if (!next) break;
      popped.push(next);
    }
    const requests = popped.map((o) => ({
      parent: o.node,
      count: config.childrenPerNode,
      seed: deriveSeed(ctx.seed, o.node, CALL_PURPOSE.expand),
    }));
    const wave = await expandWave(ctx, registry, requests, config.priority === 'value' ? 'open' : 'none', pick);
    // Nodes the budget refused go back, so the queue stays exactly the set of nodes not yet expanded.
    for (const o of popped.slice(wave.grown.length)) queue.push(o);

    for (const { children } of wave.grown) {
      for (const child of children) {
        const rewards = wave.rewards.get(child.id);
        if (!rewards) continue;
        if (child.terminal) {
          finished.push({ node: child.id, score: rewards.outcome ?? child.reward ?? 0 });
          continue;
        }
        if (!wave.assessed || child.reward === 0) continue;
        const open = { node: child.id, priority: priorityOf(child) };
        frontier.push(open);
        if (meter.canExpandAt(child.depth)) queue.push(open);
        else capped = true;
      }
    }
    if (!wave.assessed) break;
    if (config.stopOnSolution && finished.some((f) => (tree.node(f.node).outcome ?? 0) >= 1)) control.stop('solved');
  }

  return { ...pick(), reason: capped ? 'max_depth' : 'exhausted' };
}
