// One pino logger per process. Services log `{ err }` objects and ids, never prompts or secrets.
import { pino, type Logger, type DestinationStream } from 'pino';
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
    },
    options.destination ?? pino.destination(2),
  );
}
