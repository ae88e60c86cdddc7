// Diverse verifier tree search: independent greedy subtrees, one per group of M beams.

import { aggregateRewards, trajectoryScore } from './aggregate.js';
import type { DvtsConfig } from './config.js';
import { noPick, type AlgorithmResult, type Pick, type SearchContext } from './context.js';
import { pickFinished, type Finished } from './finished.js';
import { expandWave, type Evaluate, type WaveResult } from './level.js';
import { StateRegistry } from './registry.js';
import { CALL_PURPOSE, deriveSeed } from './seed.js';
import type { TreeNode } from './tree.js';

interface Subtree {
  /** The subtree's current (single) beam. */
  node: number;
  /** The rank that earned the node its place: aggregated PRM (x value when useValue). */
  rank: number;
  done: boolean;
}

interface Ranked {
  node: TreeNode;
  rank: number;
}

/**
 * DVTS, diverse verifier tree search (Beeching, Tunstall and Rush 2024, HuggingFace "Scaling test-time
 * compute with open models" and search-and-learn). Beam search with a PRM tends to collapse: after a few
 * steps all N beams descend from one early step the PRM liked, so a wrong early favourite costs the whole
 * budget. DVTS splits the N beams into N / M subtrees that never compete with each other.
 *
 * The root is expanded once into N / M distinct first steps (one propose, numCandidates = N / M); each
 * becomes a subtree. Then, level by level, every live subtree proposes M candidates from its beam (all
 * subtrees' proposes at once), the level's children are scored in one batch call (and, with useValue,
 * the non-terminal ones evaluated in one call alongside), and each subtree greedily keeps its single best
 * child. A terminal best child finishes its subtree. Every finished child, chosen or not, joins the pool
 * the final answer comes from (`vote`; 'best' = highest score as in beam search), a verified one first.
 *
 * Own stop reasons: 'completed' when every subtree ended and something finished; 'exhausted' when none
 * did; 'max_depth' when live subtrees reached the depth cap.
 */
export async function runDvts(ctx: SearchContext, config: DvtsConfig): Promise<AlgorithmResult> {
  const { tree, meter, control } = ctx;
  const registry = new StateRegistry(config.dedupeStates, ctx.stateKey);
  const evaluate: Evaluate = config.useValue ? 'open' : 'none';
  const finished: Finished[] = [];
  let subtrees: Subtree[] = [];
  let capped = false;

  const pick = (): Pick => {
    const chosen = pickFinished(tree, finished, config.vote, ctx.answerKey);
    if (chosen) return chosen;
    const lead = subtrees.reduce<Subtree | undefined>(
      (best, s) => (!best || s.rank > best.rank || (s.rank === best.rank && s.node < best.node) ? s : best),
      undefined,
    );
    return lead ? { answer: '', best: tree.steps(lead.node), score: lead.rank } : noPick();
  };

  /** Ranks a wave's new children and moves the terminal ones into the finished pool. */
  const rank = (wave: WaveResult): Map<number, number> => {
    const ranks = new Map<number, number>();
    for (const { children } of wave.grown) {
      for (const child of children) {
        const rewards = wave.rewards.get(child.id);
        if (!rewards) continue;
        if (child.terminal) {
          const score = trajectoryScore(rewards, config.aggregation);
          finished.push({ node: child.id, score });
          ranks.set(child.id, score);
        } else {
          const prm = aggregateRewards(rewards.stepRewards, config.aggregation);
          ranks.set(child.id, prm * (config.useValue ? (child.value ?? 0) : 1));
        }
      }
    }
    return ranks;
  };

  const solved = (): boolean => config.stopOnSolution && finished.some((f) => (tree.node(f.node).outcome ?? 0) >= 1);

  // The root's expansion: N / M distinct first steps, one subtree each (maxDepth >= 1 always allows it).
  const roots = config.nBeams / config.expansionsPerBeam;
  const first = await expandWave(
    ctx,
    registry,
    [{ parent: 0, count: roots, seed: deriveSeed(ctx.seed, 0, CALL_PURPOSE.expand) }],
    evaluate,
    pick,
  );
  const firstRanks = rank(first);
  subtrees = (first.grown[0]?.children ?? [])
    .filter((child) => !child.terminal && firstRanks.has(child.id))
    .map((child) => ({ node: child.id, rank: firstRanks.get(child.id) ?? 0, done: false }));
  if (solved()) control.stop('solved');

  while (!control.stopped) {
    const live = subtrees.filter((s) => !s.done);
    if (live.length === 0) break;
    // Subtrees advance one step per level, so they share a depth and reach the cap together.
    const depth = tree.node(live[0]?.node ?? 0).depth;
    if (!meter.canExpandAt(depth)) {
      capped = true;
      break;
    }
    const requests = live.map((s) => ({
      parent: s.node,
      count: config.expansionsPerBeam,
      seed: deriveSeed(ctx.seed, s.node, CALL_PURPOSE.expand),
    }));
    const wave = await expandWave(ctx, registry, requests, evaluate, pick);
    const ranks = rank(wave);
    if (!wave.assessed) break;

    wave.grown.forEach(({ children }, i) => {
      const subtree = live[i];
      if (!subtree) return;
      const best = children
        .map((node): Ranked => ({ node, rank: ranks.get(node.id) ?? 0 }))
        .reduce<Ranked | undefined>(
          (top, c) => (!top || c.rank > top.rank || (c.rank === top.rank && c.node.id < top.node.id) ? c : top),
          undefined,
        );
      if (!best) {
        subtree.done = true; // a dead end: the policy had nothing (new) to add
        return;
      }
      subtree.node = best.node.id;
      subtree.rank = best.rank;
      subtree.done = best.node.terminal;
    });
    if (solved()) control.stop('solved');
  }

  const reason = capped ? 'max_depth' : finished.length > 0 ? 'completed' : 'exhausted';
  return { ...pick(), reason };
}
