// B4's model services: the real embedded countdown backends, each call answering a fixed time after it
// arrived. Two ways to get there, both kept so a run can say which it measured:
// - 'answer-after' (the default): compute on arrival, then wait out the rest of the latency. A model server
//   computes on its own hardware while the caller waits, so the caller sees the latency and nothing more.
// - 'sleep-then-compute': what the services' ARBOR_*_EMBEDDED_LATENCY_MS does (wait, then compute), done here
//   rather than through that setting so that the compute can be timed apart from the wait. The backends share
//   the orchestrator's one JS thread, so once the timers of a wave fire, the compute of every call in it runs
//   one call after another: P x compute added to each wave, a cost no deployment puts on the orchestrator,
//   and one that grows with P exactly where B4 looks.
import type { ProposeRequest__Output, ProposeResponse } from '@arbor/contracts';
import { sleep } from '@arbor/kit';
import { createPolicyBackend, ProposeHandler, readPolicyConfig, type PolicyBackend } from '@arbor/policy';
import { createValueBackend, EvaluateHandler, readValueConfig, type ValueBackend } from '@arbor/value';
import { createRewardBackend, readRewardConfig, ScoreHandler, type RewardBackend } from '@arbor/reward';

export type LatencyMode = 'answer-after' | 'sleep-then-compute';

/** What the backends did during one run; reset between runs (they run one at a time). */
export class ComputeMeter {
  calls = 0;
  computeMs = 0;
  maxComputeMs = 0;
  /** Calls whose compute alone took longer than the latency, so they answered late ('answer-after' only). */
  late = 0;

  reset(): void {
    this.calls = 0;
    this.computeMs = 0;
    this.maxComputeMs = 0;
    this.late = 0;
  }

  record(ms: number, latencyMs: number): void {
    this.calls += 1;
    this.computeMs += ms;
    this.maxComputeMs = Math.max(this.maxComputeMs, ms);
    if (ms > latencyMs) this.late += 1;
  }
}

/**
 * Runs `compute` at once, then holds its answer until `latencyMs` after the call arrived. The embedded backends
 * do all their work before their first await, so the synchronous part of the call is their compute; timing the
 * settled promise instead would count whatever other calls ran on the thread in between.
 */
async function answerAfter<T>(latencyMs: number, meter: ComputeMeter, signal: AbortSignal, compute: () => Promise<T>): Promise<T> {
  const arrived = performance.now();
  const pending = compute();
  const computeMs = performance.now() - arrived;
  meter.record(computeMs, latencyMs);
  const answer = await pending;
  await sleep(Math.max(0, latencyMs - (performance.now() - arrived)), signal);
  return answer;
}

/** Waits out the latency first, then computes, as the services' embedded latency setting does. */
async function sleepThenCompute<T>(latencyMs: number, meter: ComputeMeter, signal: AbortSignal, compute: () => Promise<T>): Promise<T> {
  await sleep(latencyMs, signal);
  const started = performance.now();
  const pending = compute();
  // Never late by this measure: the compute comes on top of the latency by design.
  meter.record(performance.now() - started, Number.POSITIVE_INFINITY);
  return pending;
}

export function embeddedHandlers(
  mode: LatencyMode,
  latencyMs: number,
  meter: ComputeMeter,
): { policy: ProposeHandler; value: EvaluateHandler; reward: ScoreHandler } {
  // Built as each service builds its backend from its environment, with no latency of their own: the wrappers
  // below add it, so that compute and wait are timed apart.
  const none = '0';
  const policy = createPolicyBackend(readPolicyConfig({ ARBOR_POLICY_EMBEDDED_LATENCY_MS: none }));
  const value = createValueBackend(readValueConfig({ ARBOR_VALUE_EMBEDDED_LATENCY_MS: none }));
  const reward = createRewardBackend(readRewardConfig({ ARBOR_REWARD_EMBEDDED_LATENCY_MS: none }));
  const run = <T>(signal: AbortSignal, compute: () => Promise<T>): Promise<T> =>
    mode === 'answer-after' ? answerAfter(latencyMs, meter, signal, compute) : sleepThenCompute(latencyMs, meter, signal, compute);

  const timedPolicy: PolicyBackend = {
    name: policy.name,
    propose: (request: ProposeRequest__Output, signal: AbortSignal): Promise<ProposeResponse> => run(signal, () => policy.propose(request, signal)),
  };
  const timedValue: ValueBackend = {
    name: value.name,
    check: (problem) => value.check(problem),
    evaluate: (items, signal) => run(signal, () => value.evaluate(items, signal)),
  };
  const timedReward: RewardBackend = {
    name: reward.name,
    check: (problem) => reward.check(problem),
    score: (items, signal) => run(signal, () => reward.score(items, signal)),
  };
  return { policy: new ProposeHandler(timedPolicy), value: new EvaluateHandler(timedValue), reward: new ScoreHandler(timedReward) };
}
