// Who decides that a search is over: the stop reason, the deadline timer, cancellation, and aborting calls in flight.

import { HARD_STOPS, type StopReason } from './stop.js';

const MAX_TIMEOUT_MS = 0x7fff_ffff;

/**
 * One per search. The first reason given to `stop` is the one reported; a hard reason (see HARD_STOPS)
 * also aborts every call in flight, whatever reason came first, so a search never outlives its deadline
 * or a cancel waiting on a reply.
 */
export class SearchControl {
  readonly #clock: () => number;
  readonly #start: number;
  readonly #deadlineMs: number;
  readonly #external: AbortSignal | undefined;
  readonly #inFlight = new Set<AbortController>();
  readonly #listeners: Array<() => void> = [];
  #reason: StopReason | null = null;
  #error: unknown = undefined;
  #halted = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param deadlineMs 0 = no deadline.
   * @param startedAt the clock reading the deadline counts from; default now.
   */
  constructor(clock: () => number, deadlineMs: number, external?: AbortSignal, startedAt?: number) {
    this.#clock = clock;
    this.#start = startedAt ?? clock();
    this.#deadlineMs = deadlineMs;
    this.#external = external;
    if (external?.aborted) {
      this.stop('cancelled');
    } else {
      external?.addEventListener('abort', this.#onCancel, { once: true });
    }
    // The deadline is read from the injected clock at every check; this real timer is the backstop for a
    // call that never answers, since a fake clock cannot wake a hung promise.
    if (deadlineMs > 0 && !this.#halted) this.#armBackstop(Math.max(0, deadlineMs - this.elapsedMs()));
  }

  /** Milliseconds since the search started, on the injected clock. */
  elapsedMs(): number {
    return this.#clock() - this.#start;
  }

  deadlinePassed(): boolean {
    return this.#deadlineMs > 0 && this.elapsedMs() >= this.#deadlineMs;
  }

  /** The first stop reason, or null while the search may still start new work. */
  get reason(): StopReason | null {
    return this.#reason;
  }

  /** The model error that stopped the search, when one did; kept for the caller's logs. */
  get error(): unknown {
    return this.#error;
  }

  get stopped(): boolean {
    return this.#reason !== null;
  }

  /** A hard stop happened: calls in flight were aborted and no call may start. */
  get halted(): boolean {
    return this.#halted;
  }

  stop(reason: StopReason, error?: unknown): void {
    if (this.#reason === null) {
      this.#reason = reason;
      this.#error = error;
    }
    if (HARD_STOPS.has(reason)) this.#halt();
  }

  /** Stops the search with `reason` when `signal` aborts (at once if it already has). */
  stopWhen(signal: AbortSignal, reason: StopReason): void {
    if (signal.aborted) {
      this.stop(reason);
      return;
    }
    const onAbort = (): void => this.stop(reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.#listeners.push(() => signal.removeEventListener('abort', onAbort));
  }

  /** A controller for one model call, aborted on a hard stop (already aborted if one happened). */
  openCall(): AbortController {
    const controller = new AbortController();
    if (this.#halted) controller.abort();
    else this.#inFlight.add(controller);
    return controller;
  }

  closeCall(controller: AbortController): void {
    this.#inFlight.delete(controller);
  }

  /** Ends the search's resources: the timer, the cancel listener, and any call somehow still open. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#external?.removeEventListener('abort', this.#onCancel);
    for (const remove of this.#listeners.splice(0)) remove();
    for (const controller of this.#inFlight) controller.abort();
    this.#inFlight.clear();
  }

  readonly #onCancel = (): void => {
    this.stop('cancelled');
  };

  /** setTimeout overflows past 2^31 - 1 ms (it would fire at once), so long deadlines wait in chunks. */
  #armBackstop(remainingMs: number): void {
    const chunk = Math.min(remainingMs, MAX_TIMEOUT_MS);
    this.#timer = setTimeout(() => {
      if (remainingMs > chunk) this.#armBackstop(remainingMs - chunk);
      else this.stop('deadline');
    }, chunk);
  }

  #halt(): void {
    if (this.#halted) return;
    this.#halted = true;
    for (const controller of this.#inFlight) controller.abort();
    this.#inFlight.clear();
  }
}
