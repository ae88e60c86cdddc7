// Wires the Evaluate handler onto a gRPC server.
import { arborV1, type EvaluateRequest__Output, type EvaluateResponse } from '@arbor/contracts';
import { startGrpcServer, unaryHandler, type Logger, type RunningGrpcServer, type ServerTls } from '@arbor/kit';
import type { EvaluateHandler } from './handler.js';

export const VALUE_SERVICE_NAME = 'arbor.v1.ValueService';

export function startValueServer(options: { address: string; handler: EvaluateHandler; logger: Logger; tls?: ServerTls; healthAddress?: string }): Promise<RunningGrpcServer> {
  const { handler, logger } = options;
  return startGrpcServer({
    address: options.address,
    ...(options.tls && { tls: options.tls }),
    ...(options.healthAddress && { healthAddress: options.healthAddress }),
    logger,
    services: [
      {
        name: VALUE_SERVICE_NAME,
        definition: arborV1().ValueService.service,
        implementation: {
          Evaluate: unaryHandler<EvaluateRequest__Output, EvaluateResponse>(logger, 'Evaluate', (request, context) =>
            handler.evaluate(request, context.signal),
          ),
        },
      },
    ],
  });
}
