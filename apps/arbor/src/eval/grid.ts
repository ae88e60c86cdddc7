// The grid `arbor eval` runs: every algorithm at every budget with every seed, each cell a configuration with a
// name that is also its results file's (results/<name>.jsonl).
import type { Budget } from '@arbor/contracts';
import { ALGORITHMS, ALGORITHM_NAMES, type AlgorithmName } from '@arbor/orchestrator';
import { parseAlgorithmParams } from '../cli/algorithm-params.js';
import { UsageError } from '../cli/usage-error.js';
import { didYouMean } from '../cli/suggest.js';

/** What a budget counts: generated steps (as B6), generated (output) tokens, all tokens in and out, or dollars. */
export const BUDGET_UNITS = ['steps', 'generated-tokens', 'tokens', 'cost'] as const;
export type BudgetUnit = (typeof BUDGET_UNITS)[number];

export interface EvalConfig {
  /** e.g. "mcts.steps-256.seed-1": its results file's name. */
  name: string;
  algo: AlgorithmName;
  /** Fields of the algorithm's proto message, from --param ALGO.NAME=VALUE. */
  params: Record<string, number | boolean | string>;
  unit: BudgetUnit;
  budget: number;
  seed: number;
}

function list(flag: string, raw: string | undefined, fallback: string): string[] {
  const items = (raw ?? fallback).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--${flag}: give a comma-separated list`);
  if (new Set(items).size !== items.length) throw new UsageError(`--${flag}: an item is listed twice`);
  return items;
}

function positive(flag: string, item: string, integer: boolean): number {
  const value = Number(item);
  const ok = integer ? Number.isSafeInteger(value) && value >= 1 && value <= 4_294_967_295 : Number.isFinite(value) && value > 0;
  if (!/^\d+(\.\d+)?$/.test(item) || !ok) throw new UsageError(`--${flag}: "${item}" is not a ${integer ? 'positive integer' : 'positive number'}`);
  return value;
}

export interface GridFlags {
  algo?: string;
  /** ALGO.NAME=VALUE, each for one algorithm of the grid. */
  param?: string[];
  budgets?: string;
  'budget-unit'?: string;
  seeds?: string;
}

/** --param ALGO.NAME=VALUE, checked against each algorithm's proto message as arbor solve's --param is. */
function paramsByAlgorithm(pairs: readonly string[], algos: readonly AlgorithmName[]): Partial<Record<AlgorithmName, Record<string, number | boolean | string>>> {
  const byAlgo = new Map<AlgorithmName, string[]>();
  for (const pair of pairs) {
    const dot = pair.indexOf('.');
    const algo = pair.slice(0, Math.max(0, dot)) as AlgorithmName;
    if (dot <= 0 || !algos.includes(algo)) {
      throw new UsageError(`--param: expected ALGO.NAME=VALUE for an algorithm of --algo (${algos.join(', ')}), got "${pair.slice(0, 64)}"`);
    }
    byAlgo.set(algo, [...(byAlgo.get(algo) ?? []), pair.slice(dot + 1)]);
  }
  return Object.fromEntries([...byAlgo].map(([algo, list]) => [algo, parseAlgorithmParams(algo, ALGORITHMS, list)]));
}

export function readGrid(flags: GridFlags): EvalConfig[] {
  const algos = list('algo', flags.algo, 'bon,mcts').map((name) => {
    if (!(ALGORITHM_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--algo: unknown algorithm "${name.slice(0, 64)}"${didYouMean(name, ALGORITHM_NAMES)}; known: ${ALGORITHM_NAMES.join(', ')}`);
    }
    return name as AlgorithmName;
  });
  const unitRaw = flags['budget-unit'] ?? 'steps';
  if (!(BUDGET_UNITS as readonly string[]).includes(unitRaw)) throw new UsageError(`--budget-unit: expected one of ${BUDGET_UNITS.join(', ')}`);
  const unit = unitRaw as BudgetUnit;
  const budgets = list('budgets', flags.budgets, unit === 'cost' ? '0.01,0.1' : unit === 'tokens' ? '20000,80000' : unit === 'generated-tokens' ? '2000,8000' : '64,256').map((b) => positive('budgets', b, unit !== 'cost'));
  const seeds = list('seeds', flags.seeds, '1').map((s) => {
    if (!/^\d{1,15}$/.test(s)) throw new UsageError(`--seeds: "${s}" is not a non-negative integer`);
    return Number(s);
  });
  const params = paramsByAlgorithm(flags.param ?? [], algos);
  return algos.flatMap((algo) =>
    budgets.flatMap((budget) => seeds.map((seed) => ({ name: `${algo}.${unit}-${budget}.seed-${seed}`, algo, params: params[algo] ?? {}, unit, budget, seed }))),
  );
}

/** The budget of one search of `config`. */
export function budgetOf(config: EvalConfig, deadlineMs: number | undefined): Budget {
  const limit = {
    steps: { maxGeneratedSteps: config.budget },
    'generated-tokens': { maxOutputTokens: config.budget },
    tokens: { maxTokens: config.budget },
    cost: { maxCostUsd: config.budget },
  }[config.unit];
  return { ...limit, ...(deadlineMs !== undefined && { deadlineMs }) };
}
