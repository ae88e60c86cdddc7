// Search presets, the "models" the gateway serves: each a task, an algorithm with its parameters, and a budget.
// A request's `arbor` object (what OpenAI SDKs send through extra_body) is merged over its preset.
import { readFileSync } from 'node:fs';
import type { SearchRequest } from '@arbor/contracts';
import { ConfigError, InvalidArgumentError, readableFile, z } from '@arbor/kit';

/** The SearchRequest oneof `algorithm`'s field names. */
export const ALGORITHMS = ['best_of_n', 'beam', 'mcts', 'dvts', 'best_first', 'litesearch', 'rebase', 'particle_filter'] as const;
export type AlgorithmName = (typeof ALGORITHMS)[number];

/** snake_case (the proto's and the public API's names) to the camelCase the gRPC client's objects take. */
export function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** The same for every key of a plain object, recursively (algorithm params hold nested messages). */
function camelKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), camelKeys(v)]));
}

const BUDGET_KEYS = ['max_expansions', 'max_model_calls', 'max_tokens', 'max_cost_usd', 'deadline_ms', 'max_nodes', 'max_depth', 'max_generated_steps', 'max_output_tokens'] as const;
type Budget = Partial<Record<(typeof BUDGET_KEYS)[number], number>>;

export interface Preset {
  id: string;
  task: string;
  algorithm: AlgorithmName;
  params: Record<string, unknown>;
  budget: Budget;
}

const budgetShape = z.object(Object.fromEntries(BUDGET_KEYS.map((k) => [k, z.number().nonnegative().optional()]))).strict();
const presetShape = z
  .object({
    // A chat message is most often a math problem; countdown presets name their task.
    task: z.string().min(1).default('math'),
    algorithm: z.enum(ALGORITHMS),
    params: z.record(z.string(), z.unknown()).default({}),
    budget: budgetShape.default({}),
  })
  .strict();
/** The presets file: `{ "<model id>": { task (default math), algorithm, params, budget } }`. */
const presetsFileShape = z.record(z.string().regex(/^[A-Za-z0-9._:-]+$/), presetShape);

const DEFAULT_BUDGET: Budget = { max_expansions: 400, deadline_ms: 60_000 };

/** The built-in presets: countdown, which the embedded backends answer without a model server. */
export const DEFAULT_PRESETS: readonly Preset[] = [
  { id: 'arbor-mcts', task: 'countdown', algorithm: 'mcts', params: {}, budget: DEFAULT_BUDGET },
  { id: 'arbor-beam', task: 'countdown', algorithm: 'beam', params: {}, budget: DEFAULT_BUDGET },
  { id: 'arbor-bon', task: 'countdown', algorithm: 'best_of_n', params: {}, budget: DEFAULT_BUDGET },
];

/** Presets from parsed JSON (the file's content); a bad entry throws a ConfigError naming the setting. */
export function parsePresets(json: unknown, setting = 'ARBOR_GATEWAY_PRESETS_FILE'): Preset[] {
  const parsed = presetsFileShape.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${setting}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid presets'}`);
  }
  const presets = Object.entries(parsed.data).map(([id, p]) => ({ id, task: p.task, algorithm: p.algorithm, params: p.params, budget: p.budget as Budget }));
  if (presets.length === 0) throw new ConfigError(`${setting}: names no preset`);
  return presets;
}

/** The presets of ARBOR_GATEWAY_PRESETS_FILE, or the built-in ones when it is empty. */
export function loadPresets(file: string): Preset[] {
  if (!file) return [...DEFAULT_PRESETS];
  const path = readableFile('ARBOR_GATEWAY_PRESETS_FILE', file);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ConfigError('ARBOR_GATEWAY_PRESETS_FILE: not valid JSON');
  }
  return parsePresets(json);
}

/** What a request may override, from the body's `arbor` object. */
export interface Overrides {
  algorithm?: AlgorithmName;
  params?: Record<string, unknown>;
  budget?: Budget;
  seed?: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the body's `arbor` object; a bad field is an InvalidArgumentError naming it (arbor.budget.max_depth, ...). */
export function readOverrides(arbor: unknown): Overrides {
  if (arbor === undefined || arbor === null) return {};
  if (!isObject(arbor)) throw new InvalidArgumentError('arbor', 'expected an object');
  const known = new Set(['algorithm', 'params', 'budget', 'seed']);
  for (const key of Object.keys(arbor)) if (!known.has(key)) throw new InvalidArgumentError(`arbor.${key}`, `unknown field; known: ${[...known].join(', ')}`);
  const out: Overrides = {};
  if (arbor.algorithm !== undefined) {
    if (typeof arbor.algorithm !== 'string' || !(ALGORITHMS as readonly string[]).includes(arbor.algorithm)) {
      throw new InvalidArgumentError('arbor.algorithm', `expected one of ${ALGORITHMS.join(', ')}`);
    }
    out.algorithm = arbor.algorithm as AlgorithmName;
  }
  if (arbor.params !== undefined) {
    if (!isObject(arbor.params)) throw new InvalidArgumentError('arbor.params', 'expected an object');
    out.params = arbor.params;
  }
  if (arbor.budget !== undefined) {
    if (!isObject(arbor.budget)) throw new InvalidArgumentError('arbor.budget', 'expected an object');
    const budget: Budget = {};
    for (const [key, value] of Object.entries(arbor.budget)) {
      if (!(BUDGET_KEYS as readonly string[]).includes(key)) throw new InvalidArgumentError(`arbor.budget.${key}`, `unknown field; known: ${BUDGET_KEYS.join(', ')}`);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InvalidArgumentError(`arbor.budget.${key}`, 'expected a non-negative number');
      budget[key as keyof Budget] = value;
    }
    out.budget = budget;
  }
  if (arbor.seed !== undefined) {
    const seed = typeof arbor.seed === 'number' ? String(arbor.seed) : arbor.seed;
    if (typeof seed !== 'string' || !/^\d{1,20}$/.test(seed)) throw new InvalidArgumentError('arbor.seed', 'expected a non-negative integer (a number or a string of digits)');
    out.seed = seed;
  }
  return out;
}

/**
 * The SearchRequest of a preset with a request's overrides merged over it: the budget field by field; the
 * params over the preset's when the algorithm stays the same, alone when the request names another algorithm.
 */
export function buildSearchRequest(preset: Preset, overrides: Overrides, problem: { question: string; params: Record<string, string> }): SearchRequest {
  const algorithm = overrides.algorithm ?? preset.algorithm;
  const base = algorithm === preset.algorithm ? preset.params : {};
  const params = { ...base, ...overrides.params };
  return {
    problem: { task: preset.task, id: '', question: problem.question, params: problem.params },
    [camel(algorithm)]: camelKeys(params),
    budget: camelKeys({ ...preset.budget, ...overrides.budget }),
    ...(overrides.seed !== undefined && { seed: overrides.seed }),
  } as SearchRequest;
}
