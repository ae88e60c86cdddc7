// Limits on one search and the meter every model call goes through.
//
// Semantics (0 means unlimited for every field):
// - maxExpansions: a policy (propose) call is one expansion. It is reserved before it is issued, so the
//   count is never exceeded, even with many calls in flight.
// - maxModelCalls: every call to any service, reserved before it is issued; never exceeded. An algorithm
//   reserves all the calls of one unit of work at once (e.g. MCTS: propose + score + evaluate), so it
//   never starts an expansion it is not allowed to finish.
// - maxNodes: the root counts. Node slots are reserved with the propose that will fill them; a child
//   list that does not fit is truncated and the search stops. Never exceeded.
// - maxDepth: no node is created deeper than maxDepth (a trajectory has at most maxDepth steps). Each
//   algorithm documents when hitting it becomes the stop reason.
// - maxGeneratedSteps: candidate steps the policy returns (the unit of the search-efficiency benchmark:
//   one call can propose any number of steps). Claimed when a propose is issued; a propose asks for fewer
//   candidates when fewer are left, so the count is never exceeded.
// - maxTokens / maxOutputTokens / maxCostUsd: only known after a reply. The meter refuses to start a call once the total
//   used is >= the limit, so the total can pass the limit by at most the usage of the calls that were
//   in flight when it was crossed.
// - deadlineMs: measured on the injected clock from the start of the search; checked before every call,
//   and a timer aborts calls in flight when it fires, so a hanging call cannot hold the search.
// A refusal stops the search with the matching reason; the first reason is the one reported.

import { InvalidArgumentError } from '@arbor/kit/errors';
import type { SearchControl } from './control.js';
import type { ModelService } from './model.js';
import type { UsageLedger } from './stats.js';
import type { StopReason } from './stop.js';

export interface Budget {
  maxExpansions: number;
  maxModelCalls: number;
  maxTokens: number;
  maxCostUsd: number;
  deadlineMs: number;
  maxNodes: number;
  maxDepth: number;
  maxGeneratedSteps: number;
  /** Output (generated) tokens over all calls; 0 unlimited. */
  maxOutputTokens: number;
}

export const NO_LIMITS: Readonly<Budget> = Object.freeze({
  maxExpansions: 0,
  maxModelCalls: 0,
  maxTokens: 0,
  maxCostUsd: 0,
  deadlineMs: 0,
  maxNodes: 0,
  maxDepth: 0,
  maxGeneratedSteps: 0,
  maxOutputTokens: 0,
});

const UINT32_MAX = 0xffff_ffff;

/** Proto field path of each count limit; they are uint32 on the wire. */
const COUNT_FIELDS: ReadonlyArray<[keyof Budget, string]> = [
  ['maxExpansions', 'budget.max_expansions'],
  ['maxModelCalls', 'budget.max_model_calls'],
  ['maxTokens', 'budget.max_tokens'],
  ['deadlineMs', 'budget.deadline_ms'],
  ['maxNodes', 'budget.max_nodes'],
  ['maxDepth', 'budget.max_depth'],
  ['maxGeneratedSteps', 'budget.max_generated_steps'],
  ['maxOutputTokens', 'budget.max_output_tokens'],
];

export function validateBudget(budget: Budget): void {
  for (const [key, field] of COUNT_FIELDS) {
    const v = budget[key];
    if (!Number.isInteger(v) || v < 0 || v > UINT32_MAX) {
      throw new InvalidArgumentError(field, 'must be an integer between 0 (unlimited) and 4294967295');
    }
  }
  if (!Number.isFinite(budget.maxCostUsd) || budget.maxCostUsd < 0) {
    throw new InvalidArgumentError('budget.max_cost_usd', 'must be a finite number >= 0 (0 = unlimited)');
  }
}

/** Budget held for one unit of work and not yet used. Give back what is left with `BudgetMeter.release`. */
export interface Reservation {
  expansions: number;
  calls: number;
  nodes: number;
}

export interface ReservationRequest {
  expansions?: number;
  calls: number;
  /** Nodes the unit wants to create; granted partially when fewer fit (at least one, or refused). */
  nodes?: number;
}

export function isRefusal(grant: Reservation | StopReason): grant is StopReason {
  return typeof grant === 'string';
}

export class BudgetMeter {
  readonly budget: Readonly<Budget>;
  readonly #control: SearchControl;
  readonly #ledger: UsageLedger;
  readonly #nodeCount: () => number;
  readonly #held: Reservation = { expansions: 0, calls: 0, nodes: 0 };
  /** Steps asked for by proposes in flight, not yet counted in the ledger. */
  #heldSteps = 0;

  constructor(budget: Budget, control: SearchControl, ledger: UsageLedger, nodeCount: () => number) {
    this.budget = { ...budget };
    this.#control = control;
    this.#ledger = ledger;
    this.#nodeCount = nodeCount;
  }

  /** May a node at `depth` get children? */
  canExpandAt(depth: number): boolean {
    return this.budget.maxDepth === 0 || depth < this.budget.maxDepth;
  }

  /** Reserves a unit of work, or stops the search and returns why it cannot start. */
  reserve(request: ReservationRequest): Reservation | StopReason {
    const expansions = request.expansions ?? 0;
    const calls = request.calls;
    let nodes = request.nodes ?? 0;
    const { maxExpansions, maxModelCalls, maxNodes } = this.budget;
    let refusal = this.#spendRefusal();
    if (!refusal && maxExpansions > 0 && this.#ledger.expansions + this.#held.expansions + expansions > maxExpansions) {
      refusal = 'max_expansions';
    }
    if (!refusal && maxModelCalls > 0 && this.#ledger.calls + this.#held.calls + calls > maxModelCalls) {
      refusal = 'max_model_calls';
    }
    if (!refusal && nodes > 0 && maxNodes > 0) {
      const room = maxNodes - this.#nodeCount() - this.#held.nodes;
      if (room <= 0) refusal = 'max_nodes';
      else nodes = Math.min(nodes, room);
    }
    if (refusal) {
      this.#control.stop(refusal);
      return refusal;
    }
    this.#held.expansions += expansions;
    this.#held.calls += calls;
    this.#held.nodes += nodes;
    return { expansions, calls, nodes };
  }

  /**
   * Starts one call on a reservation. Tokens, cost and the deadline are checked here rather than at
   * reservation, because replies to earlier calls may have used them up in between.
   */
  issue(reservation: Reservation, service: ModelService): StopReason | null {
    const refusal = this.#spendRefusal();
    if (refusal) {
      this.#control.stop(refusal);
      return refusal;
    }
    const expansions = service === 'policy' ? 1 : 0;
    if (reservation.calls < 1 || reservation.expansions < expansions) {
      // A bug in an algorithm, not a budget decision: failing loudly keeps the "never exceeded" promise honest.
      throw new Error(`${service} call issued without a reservation`);
    }
    reservation.calls -= 1;
    reservation.expansions -= expansions;
    this.#held.calls -= 1;
    this.#held.expansions -= expansions;
    this.#ledger.issued(service);
    return null;
  }

  /**
   * How many of `wanted` new children the reservation admits. The reservation's node slots are released
   * (the created nodes count in the tree from now on). A truncated child list stops the search.
   */
  admitNodes(reservation: Reservation, wanted: number): number {
    const admitted = this.budget.maxNodes > 0 ? Math.min(wanted, reservation.nodes) : wanted;
    this.#held.nodes -= reservation.nodes;
    reservation.nodes = 0;
    if (admitted < wanted) this.#control.stop('max_nodes');
    return admitted;
  }

  /**
   * How many of `wanted` candidates a propose may ask for under maxGeneratedSteps: all of them, fewer near
   * the limit, or 0 (and the search stops). Give the claim back with `settleSteps` once the reply is counted.
   */
  claimSteps(wanted: number): number {
    const max = this.budget.maxGeneratedSteps;
    if (max === 0) return wanted;
    const granted = Math.max(0, Math.min(wanted, max - this.#ledger.generatedSteps - this.#heldSteps));
    if (granted === 0) this.#control.stop('max_generated_steps');
    this.#heldSteps += granted;
    return granted;
  }

  settleSteps(claimed: number): void {
    this.#heldSteps -= claimed;
  }

  /** Gives back whatever is left of a reservation. Safe to call twice. */
  release(reservation: Reservation): void {
    this.#held.expansions -= reservation.expansions;
    this.#held.calls -= reservation.calls;
    this.#held.nodes -= reservation.nodes;
    reservation.expansions = 0;
    reservation.calls = 0;
    reservation.nodes = 0;
  }

  #spendRefusal(): StopReason | null {
    if (this.#control.halted) return this.#control.reason ?? 'cancelled';
    if (this.#control.deadlinePassed()) return 'deadline';
    if (this.budget.maxTokens > 0 && this.#ledger.tokens >= this.budget.maxTokens) return 'max_tokens';
    if (this.budget.maxOutputTokens > 0 && this.#ledger.outputTokens >= this.budget.maxOutputTokens) return 'max_output_tokens';
    if (this.budget.maxCostUsd > 0 && this.#ledger.costUsd >= this.budget.maxCostUsd) return 'max_cost';
    return null;
  }
}
