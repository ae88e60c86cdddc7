// Wires the Score handler onto a gRPC server.
import { arborV1, type ScoreRequest__Output, type ScoreResponse } from '@arbor/contracts';
import { startGrpcServer, unaryHandler, type Logger, type RunningGrpcServer, type ServerTls } from '@arbor/kit';
import type { ScoreHandler } from './handler.js';

export const REWARD_SERVICE_NAME = 'arbor.v1.RewardService';

export function startRewardServer(options: { address: string; handler: ScoreHandler; logger: Logger; tls?: ServerTls; healthAddress?: string }): Promise<RunningGrpcServer> {
  const { handler, logger } = options;
  return startGrpcServer({
    address: options.address,
    ...(options.tls && { tls: options.tls }),
    ...(options.healthAddress && { healthAddress: options.healthAddress }),
    logger,
    services: [
      {
        name: REWARD_SERVICE_NAME,
        definition: arborV1().RewardService.service,
        implementation: {
          Score: unaryHandler<ScoreRequest__Output, ScoreResponse>(logger, 'Score', (request, context) =>
            handler.score(request, context.signal),
          ),
        },
      },
    ],
  });
}
