// The one interface every reward backend (embedded, vllm-prm, math-verify, ...) implements. No transport in here.
import type { ScoreRequest__Output, ScoreResponse } from '@arbor/contracts';

export interface RewardBackend {
  readonly name: string;
  /**
   * One StepRewards per trajectory, in request order: a reward per step, and `outcome` only when the
   * trajectory is finished. Throws an ArborError for a bad request.
   */
  score(request: ScoreRequest__Output, signal: AbortSignal): Promise<ScoreResponse>;
}
