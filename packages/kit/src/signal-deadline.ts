// The deadline an AbortSignal stands for, when whoever made the signal knows it. A bare signal only says
// "stop" once it is too late; with the deadline, work can give up at once when it could not finish in time,
// e.g. a retry whose wait would outlast the call (model-http), instead of sleeping until the abort.
const deadlines = new WeakMap<AbortSignal, number>();

/** Records that `signal` aborts at `deadline` (ms since the epoch); ignored unless finite. */
export function setSignalDeadline(signal: AbortSignal, deadline: number): void {
  if (Number.isFinite(deadline)) deadlines.set(signal, deadline);
}

/**
 * The deadline recorded for `signal`, or undefined. Only the very signal it was recorded on has one: a
 * signal derived from it (AbortSignal.any) does not, so pass the call's own signal where it matters.
 */
export function signalDeadline(signal: AbortSignal): number | undefined {
  return deadlines.get(signal);
}
