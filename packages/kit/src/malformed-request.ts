// grpc-js answers request bytes it cannot decode with INTERNAL ("Error deserializing request"), as if the
// server had failed. Arbor's servers decode tolerantly instead: a request that does not parse reaches the handler
// as a MalformedRequest, which the handler adapters answer INVALID_ARGUMENT naming the field at fault.
import type * as grpc from '@grpc/grpc-js';
import { describeMalformed } from '@arbor/contracts';
import { InvalidArgumentError } from './errors.js';

export class MalformedRequest {
  constructor(readonly error: InvalidArgumentError) {}
}

/** The same service, with each method's request decoder turned into one that never throws. */
export function tolerantDefinition(definition: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const methods = Object.entries(definition).map(([name, method]) => {
    const decode = method.requestDeserialize;
    const tolerant = (bytes: Buffer) => {
      try {
        return decode(bytes);
      } catch (err) {
        const { field, problem } = describeMalformed(method.path, bytes);
        return new MalformedRequest(new InvalidArgumentError(field, problem, { cause: err }));
      }
    };
    return [name, { ...method, requestDeserialize: tolerant }];
  });
  return Object.fromEntries(methods) as grpc.ServiceDefinition;
}

/** Throws the INVALID_ARGUMENT a malformed request stands for; passes any other request through. */
export function wellFormed<Req>(request: Req | MalformedRequest): Req {
  if (request instanceof MalformedRequest) throw request.error;
  return request;
}
