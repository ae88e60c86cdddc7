// What a model call costs: a price table per service, backend and model (USD per million input, cached input and
// output tokens, and per call), from ARBOR_PRICES_FILE or from ARBOR_<SERVICE>_PRICE_* variables. Providers bill
// input tokens read from their prompt cache lower (OpenAI a half or less, Anthropic a tenth): a cached price
// applies to them, and without one they cost as other input tokens. A model service
// prices each response from its backend's usage; an unpriced backend keeps the cost it reported itself
// (0 for the embedded ones), so configuring a price for them simulates a paid deployment.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, readConfig, type EnvSource } from './config.js';

export const PRICED_SERVICES = ['policy', 'value', 'reward'] as const;
export type PricedService = (typeof PRICED_SERVICES)[number];

export interface Price {
  /** USD per million input tokens. */
  inputPerMTok: number;
  /** USD per million input tokens the server read from its prompt cache; undefined: the input price. */
  cachedInputPerMTok?: number;
  /** USD per million output tokens. */
  outputPerMTok: number;
  /** USD per call, on top of the tokens. */
  perCall: number;
}

/** The usage fields a price applies to (a subset of arbor.v1.Usage). */
export interface PricedUsage {
  inputTokens?: number;
  /** Of the input tokens, those read from the server's prompt cache. */
  cachedInputTokens?: number;
  outputTokens?: number;
  calls?: number;
  costUsd?: number | string;
  model?: string;
}

/** Matches any model of a backend in the prices file. */
export const ANY_MODEL = '*';

const usd = z.number({ error: 'expected a number of USD' }).finite('expected a finite number').min(0, 'expected a number ≥ 0');
const priceEntry = z.strictObject({
  input_per_mtok: usd.optional(),
  cached_input_per_mtok: usd.optional(),
  output_per_mtok: usd.optional(),
  per_call: usd.optional(),
});
const backendTable = z.record(z.string().min(1, 'expected a model name or "*"'), priceEntry);
const serviceTable = z.record(z.string().min(1, 'expected a backend name'), backendTable);
const pricesFile = z.strictObject({ policy: serviceTable.optional(), value: serviceTable.optional(), reward: serviceTable.optional() });

export type PricesFile = z.infer<typeof pricesFile>;

function toPrice(entry: z.infer<typeof priceEntry>): Price {
  return {
    inputPerMTok: entry.input_per_mtok ?? 0,
    ...(entry.cached_input_per_mtok !== undefined && { cachedInputPerMTok: entry.cached_input_per_mtok }),
    outputPerMTok: entry.output_per_mtok ?? 0,
    perCall: entry.per_call ?? 0,
  };
}

/** What is wrong with the prices file at `path` (unreadable, not JSON, a bad field), or its contents. */
function readPricesFile(path: string): { ok: true; file: PricesFile } | { ok: false; problem: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, problem: `cannot read it (${err instanceof Error ? err.message : String(err)})` };
  }
  return checkPricesFile(text);
}

function checkPricesFile(text: string): { ok: true; file: PricesFile } | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const result = pricesFile.safeParse(json, { reportInput: true });
  if (result.success) return { ok: true, file: result.data };
  return { ok: false, problem: result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}${badValue(issue)}`).join('; ') };
}

/** ` (got -1)`: the value at fault, cut short (prices are numbers; a long value is a mistake to point at, not to print). */
function badValue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  if (input === undefined || (typeof input === 'object' && input !== null)) return '';
  const shown = JSON.stringify(input);
  return ` (got ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown})`;
}

/** Reads and validates a prices file; the message of the ConfigError names the setting, the file and the bad field. */
export function loadPricesFile(path: string): PricesFile {
  const read = readPricesFile(path);
  if (!read.ok) throw new ConfigError(`ARBOR_PRICES_FILE: "${path}": ${read.problem}`);
  return read.file;
}

export function parsePricesFile(text: string, path = 'prices file'): PricesFile {
  const checked = checkPricesFile(text);
  if (!checked.ok) throw new ConfigError(`ARBOR_PRICES_FILE: "${path}": ${checked.problem}`);
  return checked.file;
}

/** USD for one response's usage at `price`. */
export function costOf(price: Price, usage: PricedUsage): number {
  const input = usage.inputTokens ?? 0;
  // Part of the input: a reply claiming more cached tokens than input tokens is priced on its input alone.
  const cached = Math.min(input, Math.max(0, usage.cachedInputTokens ?? 0));
  const output = usage.outputTokens ?? 0;
  // A response stands for at least one call; a backend may report more (e.g. it retried upstream).
  const calls = Math.max(1, usage.calls ?? 1);
  const inputUsd = (input - cached) * price.inputPerMTok + cached * (price.cachedInputPerMTok ?? price.inputPerMTok);
  return (inputUsd + output * price.outputPerMTok) / 1_000_000 + calls * price.perCall;
}

/** The prices one service applies to its backends' responses. */
export class ServicePrices {
  constructor(
    readonly service: PricedService,
    private readonly table: Readonly<Record<string, Readonly<Record<string, z.infer<typeof priceEntry>>>>> = {},
    /**
     * From the ARBOR_<SERVICE>_PRICE_* variables: each one set applies to every backend and model, over the
     * file's field of the same name; those unset leave the file's (or 0).
     */
    private readonly override?: Partial<Price>,
  ) {}

  /** The price of `model` on `backend`, or undefined when none is configured. */
  lookup(backend: string, model: string): Price | undefined {
    const models = this.table[backend];
    const entry = models?.[model] ?? models?.[ANY_MODEL];
    const fromFile = entry ? toPrice(entry) : undefined;
    if (!this.override) return fromFile;
    const o = this.override;
    const cached = o.cachedInputPerMTok ?? fromFile?.cachedInputPerMTok;
    return {
      inputPerMTok: o.inputPerMTok ?? fromFile?.inputPerMTok ?? 0,
      ...(cached !== undefined && { cachedInputPerMTok: cached }),
      outputPerMTok: o.outputPerMTok ?? fromFile?.outputPerMTok ?? 0,
      perCall: o.perCall ?? fromFile?.perCall ?? 0,
    };
  }

  /**
   * Sets `usage.costUsd` from the configured price of the backend and the usage's model; leaves it as the
   * backend reported it when no price is configured. Returns the cost.
   */
  apply(backend: string, usage: PricedUsage): number {
    const price = this.lookup(backend, usage.model ?? '');
    if (price) usage.costUsd = costOf(price, usage);
    return Number(usage.costUsd ?? 0);
  }
}

const serviceVar = (service: PricedService) => service.toUpperCase();

/** Names of the four price variables of a service. */
export function priceVariables(service: PricedService): { input: string; cachedInput: string; output: string; perCall: string } {
  const s = serviceVar(service);
  return {
    input: `ARBOR_${s}_PRICE_INPUT_PER_MTOK`,
    cachedInput: `ARBOR_${s}_PRICE_CACHED_INPUT_PER_MTOK`,
    output: `ARBOR_${s}_PRICE_OUTPUT_PER_MTOK`,
    perCall: `ARBOR_${s}_PRICE_PER_CALL`,
  };
}

/** A price variable (ARBOR_<SERVICE>_PRICE_*), for a service's config shape: USD ≥ 0, unset = not configured. */
export const priceSetting = () =>
  z.coerce
    .number({ error: 'expected a number of USD' })
    .refine((n) => Number.isFinite(n) && n >= 0, 'expected a number of USD ≥ 0')
    .optional();

/** ARBOR_PRICES_FILE, for a service's config shape: the file is read and validated when the config is. */
export const pricesFileSetting = () =>
  z
    .string()
    .default('')
    .superRefine((path, ctx) => {
      if (!path) return;
      // The message names the file and the field at fault with its value; readConfig adds the variable's name.
      const read = readPricesFile(path);
      if (!read.ok) ctx.addIssue({ code: 'custom', message: `in "${path}": ${read.problem}`, params: { notQuoted: true } });
    });

/**
 * The prices of `service` from the environment (ARBOR_PRICES_FILE and ARBOR_<SERVICE>_PRICE_*). Throws a
 * ConfigError naming the setting when one is invalid.
 */
export function readServicePrices(service: PricedService, source: EnvSource = process.env): ServicePrices {
  const names = priceVariables(service);
  const shape = {
    ARBOR_PRICES_FILE: z.string().default(''),
    [names.input]: priceSetting(),
    [names.cachedInput]: priceSetting(),
    [names.output]: priceSetting(),
    [names.perCall]: priceSetting(),
  };
  const values = readConfig(shape, source) as Record<string, number | string | undefined>;
  const num = (name: string): number | undefined => {
    const v = values[name];
    return typeof v === 'number' ? v : undefined;
  };
  const input = num(names.input);
  const cachedInput = num(names.cachedInput);
  const output = num(names.output);
  const perCall = num(names.perCall);
  const override: Partial<Price> | undefined =
    input === undefined && cachedInput === undefined && output === undefined && perCall === undefined
      ? undefined
      : {
          ...(input !== undefined && { inputPerMTok: input }),
          ...(cachedInput !== undefined && { cachedInputPerMTok: cachedInput }),
          ...(output !== undefined && { outputPerMTok: output }),
          ...(perCall !== undefined && { perCall }),
        };
  const file = typeof values.ARBOR_PRICES_FILE === 'string' && values.ARBOR_PRICES_FILE ? loadPricesFile(values.ARBOR_PRICES_FILE) : {};
  return new ServicePrices(service, file[service] ?? {}, override);
}
