// B3's bound: the shortest time a search could take given the latencies its calls were actually given, with
// unlimited calls in flight and no overhead. It follows the dependencies each algorithm has between calls
// (read from beam.ts and bon.ts), level by level, so a search that meets it wastes nothing on its critical path.
import type { CallRecord, ServiceLatencies } from './b3-world.js';

/** The slowest call of each service at one level; 0 where the level had no call of that service. */
export interface LevelPath {
  level: number;
  policyMs: number;
  rewardMs: number;
  valueMs: number;
  proposes: number;
}

export function levelPaths(calls: readonly CallRecord[]): LevelPath[] {
  const levels = new Map<number, LevelPath>();
  for (const call of calls) {
    let level = levels.get(call.level);
    if (!level) {
      level = { level: call.level, policyMs: 0, rewardMs: 0, valueMs: 0, proposes: 0 };
      levels.set(call.level, level);
    }
    if (call.service === 'policy') {
      level.policyMs = Math.max(level.policyMs, call.latencyMs);
      level.proposes += 1;
    } else if (call.service === 'reward') level.rewardMs = Math.max(level.rewardMs, call.latencyMs);
    else level.valueMs = Math.max(level.valueMs, call.latencyMs);
  }
  return [...levels.values()].sort((a, b) => a.level - b.level);
}

/**
 * Beam search: a level's proposes go out together, its score (and evaluate) call only once all have answered,
 * and the next level only once those have, so the levels add up: sum of (slowest propose + slower of score
 * and evaluate, which run side by side).
 */
export function beamBoundMs(levels: readonly LevelPath[]): number {
  return levels.reduce((sum, l) => sum + l.policyMs + Math.max(l.rewardMs, l.valueMs), 0);
}

/**
 * Best-of-N: the rollouts a round finishes are scored by a call that runs alongside the next round's
 * proposes, and that round ends when both are done. So round r takes max(its slowest propose, round r-1's
 * score), and the last round's score comes on top. On B3's task every rollout ends at the last level, so this
 * is the sum of the rounds' slowest proposes plus one score.
 */
export function bonBoundMs(levels: readonly LevelPath[]): number {
  let total = 0;
  let pendingScoreMs = 0;
  for (const l of levels) {
    total += Math.max(l.policyMs, pendingScoreMs);
    pendingScoreMs = l.rewardMs;
  }
  return total + pendingScoreMs;
}

/** The same calls with every latency at its service's median: what the bound would be without jitter. */
export function atMedians(calls: readonly CallRecord[], medians: ServiceLatencies): CallRecord[] {
  return calls.map((c) => ({ ...c, latencyMs: Math.round(medians[c.service]) }));
}

/** What one call at a time would take at best: every drawn latency, one after another. */
export function serialSumMs(calls: readonly CallRecord[]): number {
  return calls.reduce((sum, c) => sum + c.latencyMs, 0);
}

function callNumber(callId: string): number {
  return Number(callId.slice(callId.lastIndexOf('-') + 1));
}

/**
 * Best-of-N if every rollout advanced on its own instead of in lock-step rounds, with the same latencies: the
 * slowest rollout's chain of proposes, then the score. A round issues its proposes in rollout order, so the
 * i-th propose of a level (by call id) is rollout i's; that holds while every rollout runs every round, as on
 * B3's task. The gap to bonBoundMs is what the rounds cost: each waits for its slowest call.
 */
export function bonIndependentBoundMs(calls: readonly CallRecord[]): number {
  const chains: number[] = [];
  const byLevel = new Map<number, CallRecord[]>();
  for (const call of calls) {
    if (call.service !== 'policy') continue;
    const level = byLevel.get(call.level) ?? [];
    level.push(call);
    byLevel.set(call.level, level);
  }
  for (const level of byLevel.values()) {
    level.sort((a, b) => callNumber(a.callId) - callNumber(b.callId));
    level.forEach((call, i) => (chains[i] = (chains[i] ?? 0) + call.latencyMs));
  }
  const lastScoreMs = levelPaths(calls).at(-1)?.rewardMs ?? 0;
  return Math.max(0, ...chains) + lastScoreMs;
}
