// Model latencies for the benchmarks that are a function of the call, not of the clock: a fixed time, or a
// log-normal one drawn from a hash of (seed, call id). The search's gateway numbers calls in the order the
// algorithm issues them, whatever their timing, so two runs of one search (one call in flight or many) see
// exactly the same latency on every call, and a rerun with the same seed sees them again.
import { avalanche } from '@arbor/search';

export type LatencyShape = { kind: 'fixed' } | { kind: 'lognormal'; sigma: number };

/** Draws the latency of one call, in whole milliseconds. */
export type LatencyDraw = (callId: string, medianMs: number) => number;

/** 32-bit FNV-1a, then murmur3's finaliser: FNV alone spreads short strings that differ in one digit poorly. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return avalanche(h);
}

/** A standard normal from two hashed uniforms (Box-Muller); u1 is kept off 0 so the log stays finite. */
export function hashedNormal(key: string): number {
  const u1 = (hash32(`${key}|u1`) + 1) / 2 ** 32;
  const u2 = hash32(`${key}|u2`) / 2 ** 32;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * The latency model of one benchmark run. Log-normal latencies have the given median (exp of a zero-mean
 * normal has median 1) and spread sigma on the log scale, the usual shape of service latencies: never
 * negative, a tail to the right. Draws are rounded to whole milliseconds because Node's timers fire on
 * millisecond boundaries, so the bound computed from the draws is the wait the timers were actually asked for.
 */
export function latencyDraw(shape: LatencyShape, seed: number): LatencyDraw {
  if (shape.kind === 'fixed') return (_callId, medianMs) => Math.round(medianMs);
  const { sigma } = shape;
  return (callId, medianMs) => Math.max(0, Math.round(medianMs * Math.exp(sigma * hashedNormal(`${seed}|${callId}`))));
}

export function describeLatency(shape: LatencyShape): string {
  return shape.kind === 'fixed' ? 'fixed' : `log-normal (sigma ${shape.sigma})`;
}
