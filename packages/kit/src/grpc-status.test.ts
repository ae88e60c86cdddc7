import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import {
  ArborError,
  CancelledError,
  DeadlineExceededError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  ResourceExhaustedError,
  UnauthenticatedError,
  UnavailableError,
} from './errors.js';
import { fromGrpcStatus, toGrpcStatus } from './grpc-status.js';

describe('the error table', () => {
  it.each([
    [new InvalidArgumentError('budget.max_depth', 'too deep'), status.INVALID_ARGUMENT, 'budget.max_depth: too deep'],
    [new FailedPreconditionError('not ready'), status.FAILED_PRECONDITION, 'not ready'],
    [new ResourceExhaustedError('too big'), status.RESOURCE_EXHAUSTED, 'too big'],
    [new DeadlineExceededError('late'), status.DEADLINE_EXCEEDED, 'late'],
    [new UnavailableError('down'), status.UNAVAILABLE, 'down'],
    [new UnauthenticatedError('who'), status.UNAUTHENTICATED, 'who'],
    [new NotFoundError('gone'), status.NOT_FOUND, 'gone'],
    [new CancelledError('stop'), status.CANCELLED, 'stop'],
  ])('maps %s', (err, code, details) => {
    expect(toGrpcStatus(err)).toEqual({ code, details });
  });

  it('hides the message of anything that is not a domain error', () => {
    expect(toGrpcStatus(new Error('secret path /etc/x'))).toEqual({ code: status.INTERNAL, details: 'internal error' });
    expect(toGrpcStatus(new ArborError('internal', 'db password wrong'))).toEqual({ code: status.INTERNAL, details: 'internal error' });
    expect(toGrpcStatus('a string')).toEqual({ code: status.INTERNAL, details: 'internal error' });
  });

  it('turns statuses back into domain errors, keeping the field of INVALID_ARGUMENT', () => {
    const err = fromGrpcStatus(status.INVALID_ARGUMENT, 'problem.question: "x" is not a number');
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).field).toBe('problem.question');
    expect(err.message).toBe('problem.question: "x" is not a number');
    expect(fromGrpcStatus(status.UNAVAILABLE, 'no connection').kind).toBe('unavailable');
    expect(fromGrpcStatus(status.UNKNOWN, 'odd').kind).toBe('internal');
  });
});
