// REBASE: level-by-level search whose width is shared among a level's nodes in proportion to softmax(reward).

import { aggregateRewards, trajectoryScore } from './aggregate.js';
import type { RebaseConfig } from './config.js';
import { noPick, type AlgorithmResult, type Pick, type SearchContext } from './context.js';
import { pickFinished, type Finished } from './finished.js';
import { expandWave, type ExpansionRequest } from './level.js';
import { allocateWidth } from './rebase-allocation.js';
import { StateRegistry } from './registry.js';
import { CALL_PURPOSE, deriveSeed } from './seed.js';

interface Member {
  node: number;
  /** Aggregated PRM (x value when useValue): what the node's share of the width is computed from. */
  reward: number;
}

/**
 * REBASE, reward balanced search (Wu et al. 2024, "Inference Scaling Laws: An Empirical Analysis of
 * Compute-Optimal Inference for Problem-Solving with Language Models"). Unlike beam search, no node of a
 * level is cut outright: every node gets a share of the level's expansion width W by softmax over the
 * rewards (see allocateWidth), so weaker nodes keep being explored, just less.
 *
 * Per level: one propose per node with a non-zero share (numCandidates = its share), all at once; children
 * created in level order; one batch score call and, with useValue, one batch evaluate call for the
 * non-terminal children, alongside. Finished children leave the level and each takes one off W for the
 * levels that follow, as in the paper, so the search ends after W finished trajectories. The answer is
 * chosen among the finished ones by `vote` (a verified one first).
 *
 * Own stop reasons: 'completed' when W is used up or the level empties after something finished;
 * 'exhausted' when the level empties with nothing finished; 'max_depth' when it reached the depth cap.
 */
export async function runRebase(ctx: SearchContext, config: RebaseConfig): Promise<AlgorithmResult> {
  const { tree, meter, control } = ctx;
  const registry = new StateRegistry(config.dedupeStates, ctx.stateKey);
  const finished: Finished[] = [];
  let level: Member[] = [{ node: 0, reward: 0 }];
  let width = config.width;
  let capped = false;

  const pick = (): Pick => {
    const chosen = pickFinished(tree, finished, config.vote, ctx.answerKey);
    if (chosen) return chosen;
    const lead = level.reduce<Member | undefined>(
      (top, m) => (!top || m.reward > top.reward || (m.reward === top.reward && m.node < top.node) ? m : top),
      undefined,
    );
    return lead ? { answer: '', best: tree.steps(lead.node), score: lead.reward } : noPick();
  };

  while (!control.stopped && width > 0 && level.length > 0) {
    // All nodes of a level share one depth, so the cap stops them together.
    if (!meter.canExpandAt(tree.node(level[0]?.node ?? 0).depth)) {
      capped = true;
      break;
    }
    const shares = allocateWidth(
      width,
      level.map((m) => m.reward),
      config.temperature,
    );
    const requests: ExpansionRequest[] = [];
    level.forEach((m, i) => {
      const count = shares[i] ?? 0;
      if (count > 0) requests.push({ parent: m.node, count, seed: deriveSeed(ctx.seed, m.node, CALL_PURPOSE.expand) });
    });
    const wave = await expandWave(ctx, registry, requests, config.useValue ? 'open' : 'none', pick);

    const next: Member[] = [];
    for (const { children } of wave.grown) {
      for (const child of children) {
        const rewards = wave.rewards.get(child.id);
        if (!rewards) continue;
        if (child.terminal) {
          finished.push({ node: child.id, score: trajectoryScore(rewards, config.aggregation) });
          width -= 1;
          continue;
        }
        const prm = aggregateRewards(rewards.stepRewards, config.aggregation);
        next.push({ node: child.id, reward: prm * (config.useValue ? (child.value ?? 0) : 1) });
      }
    }
    if (!wave.assessed) break;
    level = next;
    if (config.stopOnSolution && finished.some((f) => (tree.node(f.node).outcome ?? 0) >= 1)) control.stop('solved');
  }

  const reason = capped ? 'max_depth' : finished.length > 0 ? 'completed' : 'exhausted';
  return { ...pick(), reason };
}
