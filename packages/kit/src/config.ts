// Configuration from the environment (and an optional JSON file, ARBOR_CONFIG_FILE), parsed once at start.
// A bad value stops the process with a message that names the variable, instead of failing later somewhere
// deep in a call.
import { accessSync, constants, readFileSync } from 'node:fs';
import { z } from 'zod';
import { NATS_NAMESPACE_PATTERN } from '@arbor/contracts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type EnvSource = Record<string, string | undefined>;

/** `path` when this process can read it; otherwise a ConfigError naming the setting that names it. */
export function readableFile(setting: string, path: string): string {
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConfigError(`${setting}: cannot read "${path}"`);
  }
  return path;
}

/** Names of settings, in the file as in the environment: ARBOR_POLICY_MODEL, NATS_URL, ... */
const SETTING_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

function problemOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}

/**
 * The settings in the JSON file at `path`, as strings: one flat object, e.g. {"ARBOR_POLICY_TEMPERATURE": 0.7}.
 * Every key is checked, not only those a shape reads, so a typo'd or nested entry is caught by every service.
 */
function readConfigFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`ARBOR_CONFIG_FILE: cannot read "${path}" (${problemOf(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`ARBOR_CONFIG_FILE: "${path}" is not valid JSON (${problemOf(err)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ConfigError(`ARBOR_CONFIG_FILE: "${path}" must hold one JSON object of settings, e.g. {"ARBOR_POLICY_BACKEND": "openai"} (got ${kindOf(json)})`);
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(json)) {
    if (!SETTING_NAME.test(key)) {
      throw new ConfigError(`ARBOR_CONFIG_FILE: "${path}": "${key}" is not a setting name (UPPER_SNAKE_CASE, as the environment variables)`);
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new ConfigError(`ARBOR_CONFIG_FILE: "${path}": ${key} must be a string, number or boolean (got ${kindOf(value)})`);
    }
    values[key] = String(value);
  }
  return values;
}

/** The settings of the file ARBOR_CONFIG_FILE names, as strings ({} when it is unset); throws ConfigError like readConfig. */
export function readConfigFileSettings(source: EnvSource = process.env): Record<string, string> {
  const filePath = source.ARBOR_CONFIG_FILE;
  return filePath ? readConfigFile(filePath) : {};
}

/**
 * Parses `source` (usually process.env) against a schema whose keys are variable names. When
 * ARBOR_CONFIG_FILE names a JSON file, settings missing from `source` are taken from it; keys of the file
 * that `shape` does not read are ignored, so one file can hold every service's settings.
 * Empty strings count as unset, so `FOO=` falls back to the file, then to the default.
 */
export function readConfig<S extends z.ZodRawShape>(shape: S, source: EnvSource = process.env): z.infer<z.ZodObject<S>> {
  const filePath = source.ARBOR_CONFIG_FILE;
  const file = filePath ? readConfigFile(filePath) : {};
  const picked: Record<string, string> = {};
  const fromFile = new Set<string>();
  for (const key of Object.keys(shape)) {
    const value = source[key];
    const inFile = file[key];
    if (value !== undefined && value !== '') {
      picked[key] = value;
    } else if (inFile !== undefined && inFile !== '') {
      picked[key] = inFile;
      fromFile.add(key);
    }
  }
  const result = z.object(shape).safeParse(picked);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const got = picked[key];
      const where = fromFile.has(key) ? `, from ${filePath}` : '';
      const quote = got !== undefined && !unquotedSettings.has(shape[key] as z.ZodType) && !isUnquotedIssue(issue);
      return `${key}: ${issue.message}${quote ? ` (got "${got}"${where})` : where ? ` (from ${filePath})` : ''}`;
    });
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  return result.data;
}

/**
 * Settings whose value a config error never quotes, because it may be a secret: a name-of-a-variable setting
 * may hold the key itself, pasted into the wrong setting. (Issue-level: see NOT_QUOTED.)
 */
const unquotedSettings = new WeakSet<z.ZodType>();

/** Marks a setting's value as never quoted in a config error (for settings that may hold a secret by mistake). */
export function unquoted<T extends z.ZodType>(schema: T): T {
  unquotedSettings.add(schema);
  return schema;
}

/** Refinement params of an issue whose message must go out without the value, e.g. a URL holding a password. */
const NOT_QUOTED = { notQuoted: true } as const;

function isUnquotedIssue(issue: z.core.$ZodIssue): boolean {
  return issue.code === 'custom' && (issue.params as { notQuoted?: unknown } | undefined)?.notQuoted === true;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The URLs of a `urlList` setting ('' gives none). */
export function urlsOf(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function holdsCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

/** A JSON array of strings, or undefined. */
function stringArray(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}

function hostPort() {
  return z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]*):\d{1,5}$/, 'expected HOST:PORT')
    .refine((value) => Number(value.slice(value.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535');
}

/** Field builders for environment variables, all from strings. */
export const env = {
  string: (fallback: string) => z.string().default(fallback),
  /** HOST:PORT, with IPv6 hosts in brackets; port 0 asks the OS for a free one. */
  address: (fallback: string) => hostPort().default(fallback),
  /** HOST:PORT, or unset (''). */
  optionalAddress: () => z.union([z.literal(''), hostPort()]).default(''),
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
  /**
   * An http(s) URL; empty (the default) means unset, for a setting only some backends need. A URL with
   * user:password is refused, without quoting it: URLs reach labels, logs and spans, a key belongs in the
   * variable `keySetting` names (e.g. ARBOR_POLICY_API_KEY_ENV).
   */
  url: (fallback = '', options: { keySetting?: string } = {}) =>
    z
      .string()
      .refine((value) => value === '' || isHttpUrl(value), 'expected an http(s) URL')
      .refine((value) => value === '' || !holdsCredentials(value), {
        message: `must not hold credentials${options.keySetting ? `; put the key in the variable ${options.keySetting} names` : ''}`,
        params: NOT_QUOTED,
      })
      .default(fallback),
  /**
   * One http(s) URL or several, comma-separated (several servers of one model), each checked as `url` checks one;
   * the value stays the string given: split it with `urlsOf`.
   */
  urlList: (fallback = '', options: { keySetting?: string } = {}) =>
    z
      .string()
      // Not quoted: another URL of the list may hold credentials, which the second check refuses.
      .refine((value) => urlsOf(value).every(isHttpUrl), { message: 'expected an http(s) URL, or several separated by commas', params: NOT_QUOTED })
      .refine((value) => !urlsOf(value).some(holdsCredentials), {
        message: `must not hold credentials${options.keySetting ? `; put the key in the variable ${options.keySetting} names` : ''}`,
        params: NOT_QUOTED,
      })
      .default(fallback),
  /**
   * The name of an environment variable (e.g. the one holding an API key); empty means none. Never quoted in a
   * config error: what is there may be the key itself, pasted into the wrong setting. The service checks the
   * form where it uses the name.
   */
  variableName: () => unquoted(z.string().default('')),
  /** A number in [min, max], or undefined when unset: for settings whose absence means "the server's default". */
  optionalNumber: (min = -Infinity, max = Infinity) =>
    z.coerce
      // zod refuses NaN and ±Infinity itself, with the message below.
      .number({ error: 'expected a number' })
      .refine((n) => n >= min && n <= max, `expected a number between ${min} and ${max}`)
      .optional(),
  /** A JSON array of strings, e.g. '["\\n\\n"]' (a config file holds it as a string too: arrays are refused there). */
  stringList: (fallback: string[]) =>
    z
      .string()
      .transform((text, ctx) => {
        const list = stringArray(text);
        if (list) return list;
        ctx.addIssue({ code: 'custom', message: 'expected a JSON array of strings' });
        return z.NEVER;
      })
      // A copy per parse: a caller that edits its list must not change the next reader's default.
      .default(() => [...fallback]),
};

export { z };
