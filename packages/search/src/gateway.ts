// The only path from an algorithm to the ModelClient: budget checks, call ids, deadline/cancel racing,
// usage accounting, reply checks, and turning a failed call into a stop reason instead of an exception.

import { ArborError } from '@arbor/kit/errors';
import { unitInterval } from './aggregate.js';
import type { BudgetMeter, Reservation } from './budget.js';
import type { SearchControl } from './control.js';
import type { Candidate, ModelClient, ModelService, Step, StepRewards, Usage } from './model.js';
import type { UsageLedger } from './stats.js';

/** A call either answered, or did not and the search has already been told why (stop reason set). */
export type CallResult<T> = { ok: true; value: T } | { ok: false };

const FAILED: CallResult<never> = { ok: false };

export class ModelGateway {
  readonly #client: ModelClient;
  readonly #meter: BudgetMeter;
  readonly #control: SearchControl;
  readonly #ledger: UsageLedger;
  #nextCall = 0;

  constructor(client: ModelClient, meter: BudgetMeter, control: SearchControl, ledger: UsageLedger) {
    this.#client = client;
    this.#meter = meter;
    this.#control = control;
    this.#ledger = ledger;
  }

  // Each public method issues its call synchronously (before its first await), so the order in which
  // an algorithm invokes them fixes the call ids and the budget accounting, whatever the timing.

  async propose(
    reservation: Reservation,
    prefix: readonly Step[],
    numCandidates: number,
    seed: number,
  ): Promise<CallResult<Candidate[]>> {
    const granted = this.#meter.claimSteps(numCandidates);
    if (granted === 0) return FAILED; // the generated-steps budget is spent; the meter set the stop reason
    let reply;
    try {
      reply = await this.#call(reservation, 'policy', 'propose', (callId, signal) =>
        this.#client.propose({ prefix, numCandidates: granted, seed, callId }, signal),
      );
      if (!reply) return FAILED;
      if (!Array.isArray(reply.candidates)) return this.#malformed('policy', 'candidates missing');
      // More candidates than asked for would break node reservations and the step budget; drop the extra.
      const candidates = reply.candidates.slice(0, granted);
      // Steps the backend dropped as invalid were generated (and paid for) too, within what was granted.
      const invalid = Math.min(granted - candidates.length, Math.max(0, Math.floor(reply.invalidCandidates ?? 0)));
      this.#ledger.generatedSteps += candidates.length + invalid;
      this.#ledger.invalidSteps += invalid;
      return { ok: true, value: candidates };
    } finally {
      this.#meter.settleSteps(granted);
    }
  }

  async evaluate(reservation: Reservation, states: ReadonlyArray<readonly Step[]>): Promise<CallResult<number[]>> {
    const reply = await this.#call(reservation, 'value', 'evaluate', (callId, signal) =>
      this.#client.evaluate({ states, callId }, signal),
    );
    if (!reply) return FAILED;
    if (!Array.isArray(reply.values) || reply.values.length !== states.length) {
      return this.#malformed('value', `expected ${states.length} values`);
    }
    return { ok: true, value: reply.values.map(unitInterval) };
  }

  async score(
    reservation: Reservation,
    trajectories: ReadonlyArray<readonly Step[]>,
  ): Promise<CallResult<StepRewards[]>> {
    const reply = await this.#call(reservation, 'reward', 'score', (callId, signal) =>
      this.#client.score({ trajectories, callId }, signal),
    );
    if (!reply) return FAILED;
    if (!Array.isArray(reply.rewards) || reply.rewards.length !== trajectories.length) {
      return this.#malformed('reward', `expected ${trajectories.length} rewards`);
    }
    return { ok: true, value: reply.rewards.map(cleanRewards) };
  }

  async #call<T extends { usage: Usage }>(
    reservation: Reservation,
    service: ModelService,
    method: string,
    invoke: (callId: string, signal: AbortSignal) => Promise<T>,
  ): Promise<T | null> {
    if (this.#meter.issue(reservation, service) !== null) return null;
    const callId = `${method}-${this.#nextCall++}`;
    const controller = this.#control.openCall();
    try {
      const reply = await raceAbort(() => invoke(callId, controller.signal), controller.signal);
      this.#ledger.received(service, reply.usage);
      return reply;
    } catch (err) {
      this.#failed(err);
      return null;
    } finally {
      this.#control.closeCall(controller);
    }
  }

  #malformed(service: ModelService, detail: string): CallResult<never> {
    this.#failed(new ArborError('internal', `${service} service sent a malformed reply: ${detail}`));
    return FAILED;
  }

  /**
   * The transport already retried, so a failed call means the service cannot answer now. When the search
   * was halted first (deadline, cancel, solved) the failure is just our own abort and changes nothing.
   */
  #failed(err: unknown): void {
    if (this.#control.halted) return;
    this.#control.stop(this.#control.deadlinePassed() ? 'deadline' : 'model_unavailable', err);
  }
}

/** Settles with the call, or rejects as soon as `signal` aborts even if the call never settles. */
function raceAbort<T>(start: () => Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(new ArborError('cancelled', 'model call aborted before it started'));
      return;
    }
    const onAbort = (): void => reject(new ArborError('cancelled', 'model call aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal.removeEventListener('abort', onAbort);
    let pending: Promise<T>;
    try {
      pending = start();
    } catch (err) {
      done();
      reject(err);
      return;
    }
    pending.then(
      (value) => {
        done();
        resolve(value);
      },
      (err: unknown) => {
        done();
        reject(err);
      },
    );
  });
}

function cleanRewards(rewards: StepRewards): StepRewards {
  const stepRewards = Array.isArray(rewards.stepRewards) ? rewards.stepRewards.map(unitInterval) : [];
  return typeof rewards.outcome === 'number'
    ? { stepRewards, outcome: unitInterval(rewards.outcome) }
    : { stepRewards };
}
