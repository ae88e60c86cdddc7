// One pino logger per process. Services log `{ err }` objects and ids, never prompts or secrets.
import { pino, type Logger, type DestinationStream } from 'pino';
import { ArborError } from './errors.js';
import { traceLogFields } from './telemetry/tracing.js';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Where lines go; default stderr, so stdout stays free for a CLI's output. */
  destination?: DestinationStream;
}

export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  return pino(
    {
      name,
      level,
      base: { service: name },
      // Every line written inside a span carries its trace_id and span_id, so logs and traces join up.
      mixin: traceLogFields,
      // Prompts and problem text never belong in logs; drop them if a caller passes a request object.
      redact: { paths: ['*.question', '*.prompt', '*.problem.question', 'apiKey', '*.apiKey'], censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    options.destination ?? pino.destination(2),
  );
}

/**
 * Arbor's own errors are expected failures (a server down, a bad argument) whose message says everything: logged
 * as their kind and message, without a stack trace that would turn one line into kilobytes. Anything else is a
 * bug, and keeps pino's full serialisation.
 */
function serializeError(err: unknown): unknown {
  if (err instanceof ArborError) return { type: err.name, kind: err.kind, message: err.message };
  return pino.stdSerializers.err(err as Error);
}
