// The one interface every value backend (embedded, openai-judge, http, ...) implements. No transport in here.
import type { EvaluateRequest__Output, EvaluateResponse } from '@arbor/contracts';

export interface ValueBackend {
  readonly name: string;
  /** One estimate in [0, 1] per state, in request order. Throws an ArborError for a bad request. */
  evaluate(request: EvaluateRequest__Output, signal: AbortSignal): Promise<EvaluateResponse>;
}
