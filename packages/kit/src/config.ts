// Configuration from the environment, parsed once at start. A bad value stops the process with a message
// that names the variable, instead of failing later somewhere deep in a call.
import { z } from 'zod';
import { NATS_NAMESPACE_PATTERN } from '@arbor/contracts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type EnvSource = Record<string, string | undefined>;

/**
 * Parses `source` (usually process.env) against a schema whose keys are variable names.
 * Empty strings count as unset, so `FOO=` falls back to the default.
 */
export function readConfig<S extends z.ZodRawShape>(shape: S, source: EnvSource = process.env): z.infer<z.ZodObject<S>> {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const result = z.object(shape).safeParse(picked);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const got = picked[key];
      return `${key}: ${issue.message}${got === undefined ? '' : ` (got "${got}")`}`;
    });
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  return result.data;
}

/** Field builders for environment variables, all from strings. */
export const env = {
  string: (fallback: string) => z.string().default(fallback),
  /** HOST:PORT, with IPv6 hosts in brackets; port 0 asks the OS for a free one. */
  address: (fallback: string) =>
    z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, 'expected HOST:PORT')
      .refine((value) => Number(value.slice(value.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535')
      .default(fallback),
  number: (fallback: number, min = -Infinity, max = Infinity) =>
    z.coerce
      .number({ error: 'expected a number' })
      .refine((n) => Number.isFinite(n), 'expected a finite number')
      .refine((n) => n >= min && n <= max, `expected a number between ${min} and ${max}`)
      .default(fallback),
  integer: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
    z.coerce
      .number({ error: 'expected an integer' })
      .refine((n) => Number.isInteger(n) && n >= min && n <= max, `expected an integer between ${min} and ${max}`)
      .default(fallback),
  oneOf: <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
    z.enum(values, { error: `expected one of ${values.join(', ')}` }).default(fallback as never),
  natsNamespace: () => z.string().regex(NATS_NAMESPACE_PATTERN, 'expected NATS tokens (letters, digits, - _) separated by dots').default(''),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .transform((value) => value === 'true' || value === '1' || value === 'yes')
      .default(fallback as never),
};

export { z };
