// Graceful shutdown on SIGTERM/SIGINT: run the stop hooks once, in order, flush telemetry; a second signal forces exit.
import type { Logger } from './logger.js';
import { shutdownTelemetry } from './telemetry/lifecycle.js';

export type StopHook = () => Promise<void> | void;

export function onShutdownSignals(logger: Logger, hooks: StopHook[], exit: (code: number) => void = process.exit): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal; exiting now');
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void (async () => {
      let code = 0;
      for (const hook of hooks) {
        try {
          await hook();
        } catch (err) {
          code = 1;
          logger.error({ err }, 'shutdown step failed');
        }
      }
      logger.info('stopped');
      // Last, so the spans of calls that finished while draining are exported too; bounded, so a collector
      // that is gone cannot hold the exit.
      await shutdownTelemetry().catch((err: unknown) => logger.warn({ err }, 'telemetry flush failed'));
      logger.flush();
      exit(code);
    })();
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return () => {
    process.off('SIGTERM', handler);
    process.off('SIGINT', handler);
  };
}
