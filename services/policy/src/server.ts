// Wires the Propose handler onto a gRPC server.
import { arborV1, type ProposeRequest__Output, type ProposeResponse } from '@arbor/contracts';
import { startGrpcServer, unaryHandler, type Logger, type RunningGrpcServer, type ServerTls } from '@arbor/kit';
import type { ProposeHandler } from './handler.js';

export const POLICY_SERVICE_NAME = 'arbor.v1.PolicyService';

export function startPolicyServer(options: { address: string; handler: ProposeHandler; logger: Logger; tls?: ServerTls; healthAddress?: string }): Promise<RunningGrpcServer> {
  const { handler, logger } = options;
  return startGrpcServer({
    address: options.address,
    ...(options.tls && { tls: options.tls }),
    ...(options.healthAddress && { healthAddress: options.healthAddress }),
    logger,
    services: [
      {
        name: POLICY_SERVICE_NAME,
        definition: arborV1().PolicyService.service,
        implementation: {
          Propose: unaryHandler<ProposeRequest__Output, ProposeResponse>(logger, 'Propose', (request, context) =>
            handler.propose(request, context.signal),
          ),
        },
      },
    ],
  });
}
