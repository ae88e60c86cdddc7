// One synchronous wave of expansions shared by the level- and queue-based searches: proposes issued
// together, children created in request order, then one batch score call and one batch evaluate call.

import { isRefusal, type Reservation } from './budget.js';
import type { Pick, SearchContext } from './context.js';
import type { CallResult } from './gateway.js';
import type { Candidate, StepRewards } from './model.js';
import type { StateRegistry } from './registry.js';
import type { TreeNode } from './tree.js';

export interface ExpansionRequest {
  parent: number;
  /** Candidates to ask the policy for. */
  count: number;
  /** New children the request may add (its node reservation); default `count`. Less when re-asking a node. */
  room?: number;
  seed: number;
  /** The parent already has children and only states new under it count (re-expansion). */
  distinctFromSiblings?: boolean;
}

/** Which new children the value service estimates: none, the non-terminal ones, or all of them. */
export type Evaluate = 'none' | 'open' | 'all';

export interface Grown {
  request: ExpansionRequest;
  children: TreeNode[];
  /** The policy returned fewer candidates than asked for: it has nothing more to offer at this node. */
  dry: boolean;
}

export interface WaveResult {
  /**
   * One entry per issued request, in request order. The budget may refuse the later requests of a wave,
   * so this can be a prefix of the requests; after a hard stop it is empty (nothing was created).
   */
  grown: Grown[];
  /** The score reply of each new child (its whole trajectory), by node id. */
  rewards: Map<number, StepRewards>;
  /** Every new child was scored (and evaluated as asked) before any hard stop: safe to keep searching. */
  assessed: boolean;
}

interface Issued {
  request: ExpansionRequest;
  reservation: Reservation;
  reply: Promise<CallResult<Candidate[]>>;
}

/**
 * Runs one wave. The scoring calls are reserved before any propose, so children that get created can
 * always be scored; each propose reserves its own expansion, call and node slots, so a wave stops at
 * exactly the budget. A step reward lands on the child as `reward`, an outcome on a terminal child as
 * `outcome`, a value estimate as `value`; replies that arrive are recorded even if the search halts
 * meanwhile, as they make the final pick better informed.
 */
export async function expandWave(
  ctx: SearchContext,
  registry: StateRegistry,
  requests: readonly ExpansionRequest[],
  evaluate: Evaluate,
  pick: () => Pick,
): Promise<WaveResult> {
  const { tree, meter, control, gateway } = ctx;
  const result: WaveResult = { grown: [], rewards: new Map(), assessed: false };
  const assessment = meter.reserve({ calls: evaluate === 'none' ? 1 : 2 });
  if (isRefusal(assessment)) return result;

  const issued: Issued[] = [];
  for (const request of requests) {
    const reservation = meter.reserve({ expansions: 1, calls: 1, nodes: request.room ?? request.count });
    if (isRefusal(reservation)) break;
    const reply = gateway.propose(reservation, tree.steps(request.parent), request.count, request.seed);
    issued.push({ request, reservation, reply });
  }
  const replies = await Promise.all(issued.map((p) => p.reply));
  if (control.halted) {
    for (const p of issued) meter.release(p.reservation);
    meter.release(assessment);
    return result;
  }

  issued.forEach(({ request, reservation }, i) => {
    const reply = replies[i];
    // A failed call always halts the search (see ModelGateway), so this only keeps the types honest.
    const candidates = reply?.ok ? reply.value : [];
    const fresh = registry
      .fresh(tree, request.parent, candidates, { distinctFromSiblings: request.distinctFromSiblings ?? false })
      .slice(0, request.room ?? request.count);
    const admitted = meter.admitNodes(reservation, fresh.length);
    meter.release(reservation);
    const children = tree.addChildren(request.parent, fresh.slice(0, admitted));
    registry.commit(tree, children);
    result.grown.push({ request, children, dry: candidates.length < request.count });
    ctx.progress(pick);
  });

  const children = result.grown.flatMap((g) => g.children);
  if (children.length === 0) {
    meter.release(assessment);
    result.assessed = true;
    return result;
  }
  const evaluated = evaluate === 'none' ? [] : evaluate === 'open' ? children.filter((c) => !c.terminal) : children;
  const [rewards, values] = await Promise.all([
    gateway.score(assessment, children.map((c) => tree.steps(c.id))),
    evaluated.length > 0 ? gateway.evaluate(assessment, evaluated.map((c) => tree.steps(c.id))) : undefined,
  ]);
  meter.release(assessment);
  if (rewards.ok) {
    children.forEach((child, i) => {
      const r = rewards.value[i];
      if (!r) return;
      result.rewards.set(child.id, r);
      child.reward = r.stepRewards.at(-1);
      if (child.terminal && r.outcome !== undefined) child.outcome = r.outcome;
    });
  }
  if (values?.ok) evaluated.forEach((child, i) => (child.value = values.value[i]));
  result.assessed = rewards.ok && (values === undefined || values.ok) && !control.halted;
  return result;
}
