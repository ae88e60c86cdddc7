// The one interface every policy backend (embedded, openai, ...) implements. No transport in here.
import type { ProposeRequest__Output, ProposeResponse } from '@arbor/contracts';

export interface PolicyBackend {
  /** Backend name as configured, e.g. "embedded". */
  readonly name: string;
  /**
   * Proposes up to `request.numCandidates` next steps after `request.prefix`.
   * Throws an ArborError (e.g. InvalidArgumentError naming the field) for a bad request.
   */
  propose(request: ProposeRequest__Output, signal: AbortSignal): Promise<ProposeResponse>;
}
