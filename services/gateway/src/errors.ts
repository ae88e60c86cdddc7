// Errors in OpenAI's shape ({error: {message, type, param, code}}) with the HTTP status an OpenAI client expects.
import { ArborError, InvalidArgumentError, type ErrorKind } from '@arbor/kit';
import { nameInMessage } from '@arbor/kit/errors';
import type { FastifyReply } from 'fastify';

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface HttpError {
  status: number;
  body: OpenAiErrorBody;
  headers: Record<string, string>;
}

/** Seconds a client told 429 waits before trying again. */
export const RETRY_AFTER_SECONDS = 1;

const BY_KIND: Record<ErrorKind, { status: number; type: string; code: string | null }> = {
  invalid_argument: { status: 400, type: 'invalid_request_error', code: null },
  failed_precondition: { status: 400, type: 'invalid_request_error', code: 'failed_precondition' },
  unauthenticated: { status: 401, type: 'authentication_error', code: 'invalid_api_key' },
  not_found: { status: 404, type: 'invalid_request_error', code: 'not_found' },
  already_exists: { status: 409, type: 'invalid_request_error', code: 'already_exists' },
  resource_exhausted: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' },
  cancelled: { status: 499, type: 'server_error', code: 'cancelled' },
  internal: { status: 500, type: 'server_error', code: null },
  unavailable: { status: 503, type: 'server_error', code: 'service_unavailable' },
  deadline_exceeded: { status: 504, type: 'server_error', code: 'timeout' },
};

export function openAiError(status: number, message: string, type: string, param: string | null = null, code: string | null = null): HttpError {
  return { status, body: { error: { message, type, param, code } }, headers: status === 429 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : {} };
}

export function modelNotFound(model: string, known: readonly string[]): HttpError {
  // A model name is the client's input: shown only when short and plain, never echoed at length.
  return openAiError(404, `The model ${nameInMessage(model)} does not exist; known: ${known.join(', ')}`, 'invalid_request_error', 'model', 'model_not_found');
}

/**
 * Maps an error (a domain error, or one from the orchestrator turned back into one by fromServiceError) to its
 * HTTP reply. INVALID_ARGUMENT's "field: message" names the parameter. Anything else is a 500 without details.
 */
export function httpErrorOf(err: unknown): HttpError {
  if (!(err instanceof ArborError)) return openAiError(500, 'internal error', 'server_error');
  const { status, type, code } = BY_KIND[err.kind];
  if (err.kind === 'internal') return openAiError(status, 'internal error', type);
  const param = err instanceof InvalidArgumentError ? err.field : null;
  return openAiError(status, err.message, type, param, code);
}

/** Sends an HttpError as the reply (status, Retry-After when it has one, OpenAI's error body). */
export function sendError(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply.code(error.status).headers(error.headers).send(error.body);
}
