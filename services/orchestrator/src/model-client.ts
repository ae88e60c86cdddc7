// Binds one search's problem to the model transports, and turns wire messages into the search's plain types.
import type { Problem, Sampling } from '@arbor/contracts';
import type { Candidate, ModelClient, Step, StepRewards, Usage } from '@arbor/search';
import type { ModelTransports } from './transport/types.js';

export interface BoundClientOptions {
  transports: Omit<ModelTransports, 'close'>;
  problem: Problem;
  sampling: Sampling;
  /** Absolute epoch ms; every call is cut off there. */
  deadline: number;
  traceparent?: string;
}

function toWireSteps(steps: readonly Step[]) {
  return { steps: steps.map((s) => ({ text: s.text, logprob: s.logprob, tokens: s.tokens })) };
}

function toUsage(usage: { inputTokens: number; outputTokens: number; costUsd: number } | null, attempts: number): Usage {
  return {
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    costUsd: usage?.costUsd ?? 0,
    calls: attempts,
  };
}

export function bindModelClient(options: BoundClientOptions): ModelClient {
  const { transports, problem, deadline, traceparent } = options;
  const callOptions = (signal: AbortSignal) => ({ signal, deadline, ...(traceparent && { traceparent }) });
  return {
    async propose(call, signal) {
      const { response, attempts } = await transports.propose(
        {
          problem,
          prefix: toWireSteps(call.prefix),
          numCandidates: call.numCandidates,
          sampling: { ...options.sampling, seed: String(call.seed) },
          callId: call.callId,
        },
        callOptions(signal),
      );
      const candidates: Candidate[] = response.candidates.map((c) => ({
        step: { text: c.step?.text ?? '', logprob: c.step?.logprob ?? 0, tokens: c.step?.tokens ?? 0 },
        terminal: c.terminal,
        answer: c.answer,
      }));
      return { candidates, usage: toUsage(response.usage, attempts) };
    },
    async evaluate(call, signal) {
      const { response, attempts } = await transports.evaluate(
        { problem, states: call.states.map(toWireSteps), callId: call.callId },
        callOptions(signal),
      );
      return { values: response.values, usage: toUsage(response.usage, attempts) };
    },
    async score(call, signal) {
      const { response, attempts } = await transports.score(
        { problem, trajectories: call.trajectories.map(toWireSteps), callId: call.callId },
        callOptions(signal),
      );
      const rewards: StepRewards[] = response.rewards.map((r) =>
        r.outcome === undefined || r.outcome === null ? { stepRewards: r.stepRewards } : { stepRewards: r.stepRewards, outcome: r.outcome },
      );
      return { rewards, usage: toUsage(response.usage, attempts) };
    },
  };
}
