// Lookahead rollouts for beam search: each candidate continued a few greedy steps so the PRM can judge where it leads.

import { isRefusal, type Reservation } from './budget.js';
import type { Pick, SearchContext } from './context.js';
import type { CallResult } from './gateway.js';
import type { Candidate } from './model.js';
import { CALL_PURPOSE, deriveSeed } from './seed.js';
import type { TreeNode } from './tree.js';

interface PendingStep {
  index: number;
  reservation: Reservation;
  reply: Promise<CallResult<Candidate[]>>;
}

/**
 * Extends each non-terminal candidate by up to `steps` steps, one candidate per step (numCandidates = 1,
 * seed derived from the tip's node id: reproducible under the search seed, and the greedy continuation
 * when the policy samples at temperature 0, as in Snell et al.). Round r issues step r of every live rollout at once; the new nodes are added in
 * candidate order, so ids do not depend on timing. The rollout nodes are ordinary tree nodes and their
 * calls ordinary expansions (metered, counted in stats), but they never become beams. A rollout ends
 * early at a terminal step, a dead end, the depth cap, or when the budget refuses a step.
 *
 * Returns, per candidate, the id of the node its rollout reached (the candidate itself when it was not
 * rolled out), in the order given.
 */
export async function rollOut(
  ctx: SearchContext,
  candidates: readonly TreeNode[],
  steps: number,
  pick: () => Pick,
): Promise<number[]> {
  const { tree, meter, control, gateway } = ctx;
  const tips = candidates.map((c) => c.id);
  const live = candidates.map((c) => !c.terminal);
  for (let step = 0; step < steps && !control.stopped; step++) {
    const round: PendingStep[] = [];
    for (let index = 0; index < tips.length; index++) {
      const tip = tree.node(tips[index] ?? 0);
      if (!live[index]) continue;
      if (tip.terminal || !meter.canExpandAt(tip.depth)) {
        live[index] = false;
        continue;
      }
      const reservation = meter.reserve({ expansions: 1, calls: 1, nodes: 1 });
      if (isRefusal(reservation)) break;
      const seed = deriveSeed(ctx.seed, tip.id, CALL_PURPOSE.lookahead);
      round.push({ index, reservation, reply: gateway.propose(reservation, tree.steps(tip.id), 1, seed) });
    }
    if (round.length === 0) break;
    const replies = await Promise.all(round.map((p) => p.reply));
    if (control.halted) {
      for (const p of round) meter.release(p.reservation);
      break;
    }
    round.forEach(({ index, reservation }, k) => {
      const reply = replies[k];
      const candidate = reply?.ok ? reply.value[0] : undefined;
      const admitted = candidate ? meter.admitNodes(reservation, 1) : 0;
      meter.release(reservation);
      const tip = tips[index] ?? 0;
      if (!candidate || admitted === 0) {
        if (!candidate) tree.addChildren(tip, []); // a dead end: the policy was asked and had nothing
        live[index] = false;
        return;
      }
      const [next] = tree.addChildren(tip, [candidate]);
      if (!next) return;
      tips[index] = next.id;
      if (next.terminal) live[index] = false;
      ctx.progress(pick);
    });
  }
  return tips;
}
