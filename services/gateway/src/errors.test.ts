import * as grpc from '@grpc/grpc-js';
import { fromGrpcStatus } from '@arbor/kit';
import { describe, expect, it } from 'vitest';
import { httpErrorOf, modelNotFound } from './errors.js';

const of = (code: grpc.status, details: string) => httpErrorOf(fromGrpcStatus(code, details));

describe('httpErrorOf', () => {
  it('maps INVALID_ARGUMENT to 400 invalid_request_error naming the field', () => {
    const e = of(grpc.status.INVALID_ARGUMENT, 'budget.max_depth: must be at most 64');
    expect(e.status).toBe(400);
    expect(e.body.error).toEqual({ message: 'budget.max_depth: must be at most 64', type: 'invalid_request_error', param: 'budget.max_depth', code: null });
  });

  it('maps the other statuses', () => {
    expect(of(grpc.status.UNAUTHENTICATED, 'no token').status).toBe(401);
    const limited = of(grpc.status.RESOURCE_EXHAUSTED, 'tenant limit');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.body.error.type).toBe('rate_limit_error');
    expect(of(grpc.status.UNAVAILABLE, 'down').status).toBe(503);
    expect(of(grpc.status.DEADLINE_EXCEEDED, 'late').status).toBe(504);
  });

  it('hides internal errors and anything that is not a domain error', () => {
    expect(of(grpc.status.INTERNAL, 'stack trace here').body.error.message).toBe('internal error');
    expect(httpErrorOf(new Error('secret')).body.error).toEqual({ message: 'internal error', type: 'server_error', param: null, code: null });
  });

  it('answers an unknown model with 404 model_not_found', () => {
    const e = modelNotFound('gpt-4', ['arbor-mcts']);
    expect(e.status).toBe(404);
    expect(e.body.error).toMatchObject({ type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
  });
});
