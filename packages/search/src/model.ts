// What the search algorithms see of the world: three model calls behind one interface, plain data in and out.
// The orchestrator binds a problem, sampling settings and a transport (inproc, grpc, nats) behind it;
// search code never knows which.

export interface Step {
  text: string;
  /** Log-probability of the step under the policy (sum over its tokens). */
  logprob: number;
  /** Tokens generated for the step. */
  tokens: number;
}

export interface Candidate {
  step: Step;
  /** The step finished the trajectory with a final answer. */
  terminal: boolean;
  /** The final answer when terminal, else "". */
  answer: string;
}

export type ModelService = 'policy' | 'value' | 'reward';

/** What one model response consumed. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens, those the model server served from its prefix cache (0 or unset when it reported none). */
  cachedInputTokens?: number;
  /** Model calls this response stands for (1 for one request, more if the transport retried). */
  calls: number;
  costUsd: number;
  /** Extra copies the transport sent while an earlier one was still out (hedges, re-sends); not in `calls`. */
  hedges?: number;
}

export interface StepRewards {
  /** One reward in [0, 1] per step. */
  stepRewards: number[];
  /** Outcome reward in [0, 1], present only for a finished trajectory. */
  outcome?: number;
}

export interface ProposeCall {
  prefix: readonly Step[];
  numCandidates: number;
  /** Per-call seed, derived from the search seed and the node, so a tree does not depend on call order. */
  seed: number;
  /** Idempotency key, unique within the search. */
  callId: string;
}

export interface EvaluateCall {
  states: ReadonlyArray<readonly Step[]>;
  callId: string;
}

export interface ScoreCall {
  trajectories: ReadonlyArray<readonly Step[]>;
  callId: string;
}

export interface ModelClient {
  propose(call: ProposeCall, signal: AbortSignal): Promise<{ candidates: Candidate[]; usage: Usage; invalidCandidates?: number }>;
  evaluate(call: EvaluateCall, signal: AbortSignal): Promise<{ values: number[]; usage: Usage }>;
  score(call: ScoreCall, signal: AbortSignal): Promise<{ rewards: StepRewards[]; usage: Usage }>;
}
