// The one table from domain errors to gRPC status codes, and back for clients.
import { status, type ServiceError } from '@grpc/grpc-js';
import {
  AlreadyExistsError,
  ArborError,
  CancelledError,
  DeadlineExceededError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
  type ErrorKind,
} from './errors.js';

const STATUS_BY_KIND: Record<ErrorKind, status> = {
  invalid_argument: status.INVALID_ARGUMENT,
  failed_precondition: status.FAILED_PRECONDITION,
  resource_exhausted: status.RESOURCE_EXHAUSTED,
  deadline_exceeded: status.DEADLINE_EXCEEDED,
  unavailable: status.UNAVAILABLE,
  unauthenticated: status.UNAUTHENTICATED,
  not_found: status.NOT_FOUND,
  already_exists: status.ALREADY_EXISTS,
  cancelled: status.CANCELLED,
  internal: status.INTERNAL,
};

export interface GrpcStatusInfo {
  code: status;
  details: string;
}

/**
 * Maps any thrown value to the status a caller sees. Domain errors keep their message (written for callers);
 * anything else becomes INTERNAL with a generic message, so internals never leak. Log the original.
 */
export function toGrpcStatus(err: unknown): GrpcStatusInfo {
  if (err instanceof ArborError) {
    const code = STATUS_BY_KIND[err.kind];
    return { code, details: err.kind === 'internal' ? 'internal error' : err.message };
  }
  return { code: status.INTERNAL, details: 'internal error' };
}

/** Turns a status (from a gRPC call or a NATS error reply) back into a domain error. */
export function fromGrpcStatus(code: status, details: string, cause?: unknown): ArborError {
  const options = { cause };
  switch (code) {
    case status.INVALID_ARGUMENT: {
      const colon = details.indexOf(': ');
      return colon > 0
        ? new InvalidArgumentError(details.slice(0, colon), details.slice(colon + 2), options)
        : new InvalidArgumentError('request', details, options);
    }
    case status.FAILED_PRECONDITION:
      return new FailedPreconditionError(details, options);
    case status.RESOURCE_EXHAUSTED:
      return new ResourceExhaustedError(details, options);
    case status.DEADLINE_EXCEEDED:
      return new DeadlineExceededError(details, options);
    case status.UNAVAILABLE:
      return new UnavailableError(details, options);
    case status.UNAUTHENTICATED:
      return new UnauthenticatedError(details, options);
    case status.NOT_FOUND:
      return new NotFoundError(details, options);
    case status.ALREADY_EXISTS:
      return new AlreadyExistsError(details, options);
    case status.CANCELLED:
      return new CancelledError(details, options);
    default:
      return new ArborError('internal', details || `status ${status[code] ?? code}`, options);
  }
}

export function fromServiceError(err: ServiceError): ArborError {
  return fromGrpcStatus(err.code, err.details, err);
}

export function statusName(code: status): string {
  return status[code] ?? String(code);
}
