// Domain errors shared by every package. No gRPC import here: pure packages (tasks, search) throw these,
// and the transport layer maps `kind` to a status code in one table (grpc-status.ts).

export type ErrorKind =
  | 'invalid_argument'
  | 'failed_precondition'
  | 'resource_exhausted'
  | 'deadline_exceeded'
  | 'unavailable'
  | 'unauthenticated'
  | 'not_found'
  | 'already_exists'
  | 'cancelled'
  | 'internal';

export class ArborError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = 'ArborError';
  }
}

/** A request or input field is wrong. `field` is its path, e.g. `problem.question` or `budget.max_depth`. */
export class InvalidArgumentError extends ArborError {
  readonly field: string;
  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super('invalid_argument', `${field}: ${message}`, options);
    this.field = field;
    this.name = 'InvalidArgumentError';
  }
}

export class FailedPreconditionError extends ArborError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('failed_precondition', message, options);
    this.name = 'FailedPreconditionError';
  }
}

/**
 * A failed precondition that one item of a batched request can cause: a model server refusing the request over
 * what one prompt holds (HTTP 400, 413, 422: over the context length, too large, unparseable), or a reply that
 * went wrong for one input only. Callers see the same FAILED_PRECONDITION; the class exists so a shared batch
 * that fails so is re-run caller by caller (isRequestFault), which plain FailedPreconditionError is not: a wrong
 * model name or a server without logprobs fails every caller alike, and re-running would only multiply it.
 */
export class ItemRejectedError extends FailedPreconditionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ItemRejectedError';
  }
}

/** A size or count limit was hit (message size, tree caps, calls in flight). */
export class ResourceExhaustedError extends ArborError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('resource_exhausted', message, options);
    this.name = 'ResourceExhaustedError';
  }
}

export class DeadlineExceededError extends ArborError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('deadline_exceeded', message, options);
    this.name = 'DeadlineExceededError';
  }
}

/** A dependency (model service, NATS, model server) cannot be reached; callers may retry. */
export class UnavailableError extends ArborError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, options);
    this.name = 'UnavailableError';
  }
}

export class UnauthenticatedError extends ArborError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unauthenticated', message, options);
    this.name = 'UnauthenticatedError';
  }
}

export class NotFoundError extends ArborError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('not_found', message, options);
    this.name = 'NotFoundError';
  }
}

/** What the request would create exists already (a search id still in use). */
export class AlreadyExistsError extends ArborError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('already_exists', message, options);
    this.name = 'AlreadyExistsError';
  }
}

export class CancelledError extends ArborError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('cancelled', message, options);
    this.name = 'CancelledError';
  }
}

/** Error kinds a client may retry: the same call can succeed on another replica or a moment later. */
export const RETRYABLE_KINDS: ReadonlySet<ErrorKind> = new Set(['unavailable', 'deadline_exceeded']);

/**
 * A name a caller sent (a task, a parameter), fit to show in an error: quoted when it is a short plain name, and
 * otherwise not shown at all. Errors are logged, and a caller's input may be anything of any length.
 */
export function nameInMessage(name: string): string {
  return /^[A-Za-z0-9_.:-]{1,40}$/.test(name) ? `"${name}"` : 'a name that is not one';
}

export function isArborError(err: unknown): err is ArborError {
  return err instanceof ArborError;
}

/**
 * True for a failure that may be one request's fault, so that a shared batch failing so is worth re-running
 * caller by caller (MicroBatcher's isolate): an item a model server refused (ItemRejectedError) or a field of a
 * request that is wrong (invalid_argument). Not any other failed precondition (a wrong model name, a server
 * that sends no logprobs, a setting that does not fit the model): it hits every caller alike. Never an outage
 * (unavailable, deadline_exceeded): re-running would multiply the requests to a server already failing them.
 */
export function isRequestFault(err: unknown): boolean {
  return err instanceof ItemRejectedError || (isArborError(err) && err.kind === 'invalid_argument');
}
