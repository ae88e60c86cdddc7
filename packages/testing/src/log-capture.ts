// A logger whose lines are kept, parsed, so a test can assert what a service logged (and what it never logs).
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@arbor/kit';

export interface CapturedLog {
  logger: Logger;
  /** Every line so far, parsed from pino's JSON. */
  lines: Array<Record<string, unknown>>;
  /** The lines at `level` (pino's numbers: 30 info, 40 warn, 50 error). */
  at(level: 'info' | 'warn' | 'error'): Array<Record<string, unknown>>;
}

const LEVELS = { info: 30, warn: 40, error: 50 } as const;

export function capturingLogger(name = 'test'): CapturedLog {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger(name, { level: 'debug', destination }), lines, at: (level) => lines.filter((l) => l.level === LEVELS[level]) };
}
