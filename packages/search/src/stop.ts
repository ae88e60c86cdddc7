// Why a search ended: the package's side of arbor.v1.StopReason.

/**
 * Lower-case names of arbor.v1.StopReason without the `STOP_REASON_` prefix, so the wire value is
 * `'STOP_REASON_' + reason.toUpperCase()`.
 */
export type StopReason =
  | 'completed'
  | 'solved'
  | 'exhausted'
  | 'max_expansions'
  | 'max_model_calls'
  | 'max_tokens'
  | 'max_cost'
  | 'deadline'
  | 'max_nodes'
  | 'max_depth'
  | 'max_generated_steps'
  | 'max_output_tokens'
  | 'cancelled'
  | 'model_unavailable'
  | 'shutdown';

export const STOP_REASONS: readonly StopReason[] = [
  'completed',
  'solved',
  'exhausted',
  'max_expansions',
  'max_model_calls',
  'max_tokens',
  'max_cost',
  'deadline',
  'max_nodes',
  'max_depth',
  'max_generated_steps',
  'max_output_tokens',
  'cancelled',
  'model_unavailable',
  'shutdown',
];

/**
 * Reasons that end a search at once: calls in flight are aborted and their replies dropped, because
 * waiting for them is either impossible (deadline, cancel, broken service, server shutting down) or pointless
 * (solved).
 * Every other reason only stops new work: calls already reserved for the step under way still finish,
 * since they are paid for and their replies improve the answer.
 */
export const HARD_STOPS: ReadonlySet<StopReason> = new Set<StopReason>([
  'deadline',
  'cancelled',
  'solved',
  'model_unavailable',
  'shutdown',
]);

