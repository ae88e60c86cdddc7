// B6 search efficiency (bench/README.md): solve rate against budget, in generated steps and tokens, for every
// algorithm on the hardest countdown puzzles, through the in-process stack `arbor solve` runs (composeOrchestrator and
// SearchRunner.search, the embedded models and their real handlers), at policy slip rates 0 and 0.1.
// Baseline in the same run: best-of-N (reward-weighted with the verifier, and majority vote) at the same
// budgets. Reports the generated tokens best-of-N needs for its best solve rate / those each algorithm needs.
import { arborV1, type SearchRequest, type SearchResult__Output } from '@arbor/contracts';
import type { Logger } from '@arbor/kit';
import { countdown, getTask } from '@arbor/tasks';
import { renderTable } from '../cli/table.js';
import { largestBudgetWithin, tokenRatio, type Crossing, type CurvePoint } from './b6-curves.js';
import { B6_LINES, B6_RULES, fieldsFor, type B6Line } from './b6-params.js';
import { BenchmarkFailure } from './failure.js';
import { atLeast, describeMachine, fixed, metMark, type Machine, type TargetedRatio } from './report.js';
import { mean, round } from './stats.js';
import type { AlgorithmName, Orchestrator } from '@arbor/orchestrator';
import { composeOrchestrator } from '../compose/services.js';

export const B6_TARGET_RATIO = 4;
/** The algorithms bench/README.md holds to the >= 4x target; the others are reported without one. */
export const B6_TARGET_LINES: ReadonlySet<B6Line> = new Set(['beam', 'litesearch', 'mcts']);
/** "All hard puzzles solved at <= 550 generated tokens each" (Tree of Thoughts spent ~5.5k for 74 %). */
export const B6_TOKEN_LIMIT = 550;
/** The best-of-N line every ratio is taken against. */
export const B6_BASELINE: B6Line = 'bon';

export interface B6Settings {
  /** The first this many of the bundled hardest puzzles (hardest first). */
  puzzles: number;
  /** Generated-steps budgets (budget.maxGeneratedSteps), ascending. */
  budgets: number[];
  slipRates: number[];
  lines: B6Line[];
  /** Puzzle i (from 0) is searched with seed firstSeed + i by every line, at every budget and slip rate. */
  firstSeed: number;
  /**
   * Best-of-N lines are run up to this budget only: each of their searches costs time quadratic in n on this
   * stack (see B6_FULL). Their best solve rate is then the best within this budget.
   */
  bonMaxBudget: number;
}

/** 16, 32, ..., 4096 generated steps. */
const ALL_BUDGETS = Array.from({ length: 9 }, (_, i) => 16 * 2 ** i);

/**
 * The default run, ~5 minutes on a 2-core machine. The 6 tree searches cost 1-20 ms a search at these budgets,
 * ~5-16 s a line for 50 puzzles and all 9 budgets. Best-of-N is the expensive one: SearchRunner always listens
 * to progress, and best-of-N answers every progress event with a vote over all finished rollouts, each vote
 * parsing every answer, so one search costs ~n^2 answer parses: ~1 s at n = 341 (1024 steps), ~3 s at n = 682,
 * ~7 s at n = 1024, per line and puzzle. Best-of-N therefore runs up to 1024 steps, where its two lines cost
 * ~50 s each per slip rate; up to 4096 they would add ~20 minutes. Its verifier line still climbs there (0.62
 * at 1024 steps, 0.68 at 2048 on the 50 hardest, slip 0), so its "best solve rate" is the best within 1024
 * steps, and the ratios are against that. 100 puzzles (`--puzzles 100`) take about twice as long.
 */
export const B6_FULL: B6Settings = {
  puzzles: 50,
  budgets: ALL_BUDGETS,
  slipRates: [0, 0.1],
  lines: [...B6_LINES],
  firstSeed: 1,
  bonMaxBudget: 1024,
};

export const B6_QUICK: B6Settings = { ...B6_FULL, puzzles: 5, budgets: [16, 64, 256], slipRates: [0], bonMaxBudget: 256 };

const isBon = (line: B6Line) => line === 'bon' || line === 'bon-majority';

export interface B6Cell {
  line: B6Line;
  algorithm: AlgorithmName;
  slipRate: number;
  budget: number;
  /** The request's algorithm oneof member as sent (unset fields take the server defaults). */
  request: Partial<SearchRequest>;
  puzzles: number;
  solved: number;
  solveRate: number;
  /** Per puzzle, averaged over the puzzles: */
  meanGeneratedSteps: number;
  /** Output tokens of all services (policy steps and answers, value verdicts): the x axis of the plot. */
  meanGeneratedTokens: number;
  /** Output tokens of the policy alone. */
  meanPolicyTokens: number;
  meanInputTokens: number;
  meanModelCalls: number;
  meanExpansions: number;
  /** Fraction of searches stopped by the generated-steps budget (the rest were solved or ended on their own). */
  budgetBound: number;
  /** Fraction of puzzles solved by a search that generated at most B6_TOKEN_LIMIT tokens. */
  solvedWithinTokenLimit: number;
  stopReasons: Record<string, number>;
  /** Sum over the puzzles, ms. */
  wallMs: number;
  cpuMs: number;
  cpuMsPerExpansion: number;
  /** Indices (from 0) of the puzzles solved, so two runs can be compared puzzle by puzzle. */
  solvedPuzzles: number[];
}

export interface B6Ratio {
  line: B6Line;
  slipRate: number;
  baselineBestSolveRate: number;
  baseline: Crossing | null;
  algorithm: Crossing | null;
  ratioInterpolated: number | null;
  ratioAtBudget: number | null;
  /** Only for beam, LiteSearch and MCTS; judged on the interpolated ratio. */
  target: TargetedRatio | null;
}

export interface B6WithinLimit {
  line: B6Line;
  slipRate: number;
  /** The largest budget whose mean generated tokens stay within the limit; null when none does. */
  budget: number | null;
  meanGeneratedTokens: number | null;
  solveRate: number | null;
  /** At that budget: puzzles solved by a search that itself generated at most the limit. */
  solvedWithinLimit: number | null;
  allSolved: boolean;
  /**
   * The most puzzles any one budget solved with searches that each generated at most the limit, and that
   * budget. A search stopped there would have solved the same puzzles (it is deterministic under its seed and
   * solved them before the limit), so this is what a token limit per puzzle, at that budget's settings, gives.
   */
  bestSolvedWithinLimit: number;
  bestBudgetWithinLimit: number | null;
}

export interface B6Result {
  benchmark: 'B6';
  title: string;
  timestamp: string;
  quick: boolean;
  machine: Machine;
  parameters: B6Settings & { puzzleList: string[]; rules: Record<B6Line, string>; notes: string[] };
  failure?: string;
  results: B6Cell[];
  ratios: B6Ratio[];
  withinTokenLimit: B6WithinLimit[];
  totals: { searches: number; wallMs: number; cpuMs: number; maxRssKb: number };
}

interface Run {
  puzzle: number;
  solved: boolean;
  steps: number;
  outputTokens: number;
  policyTokens: number;
  inputTokens: number;
  modelCalls: number;
  expansions: number;
  stopReason: string;
  wallMs: number;
  cpuMs: number;
}

const SEARCH = arborV1().SearchService.service.Search;
const TASK = getTask(countdown.TASK_NAME);

function problemOf(numbers: readonly number[], index: number) {
  return {
    task: countdown.TASK_NAME,
    id: `hardest-${index + 1}`,
    question: countdown.formatQuestion(numbers),
    params: { target: String(countdown.DEFAULT_TARGET) },
  };
}

async function searchOnce(
  stack: Orchestrator,
  line: B6Line,
  budget: number,
  numbers: readonly number[],
  index: number,
  seed: number,
): Promise<Run> {
  const problem = problemOf(numbers, index);
  const request: SearchRequest = {
    problem,
    ...fieldsFor(line, budget),
    budget: { maxGeneratedSteps: budget },
    seed: String(seed),
  };
  // Decoded as the gRPC server would hand it over, so unset fields reach the runner as the server sees them.
  const decoded = SEARCH.requestDeserialize(SEARCH.requestSerialize(request));
  const cpu = process.cpuUsage();
  const started = performance.now();
  const raw = await stack.runner.search(decoded);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const result: SearchResult__Output = SEARCH.responseDeserialize(SEARCH.responseSerialize(raw));
  // Judged here by the task's verifier, not taken from the result, so the benchmark does not trust the code it measures.
  const solved = result.answer !== '' && TASK.verifyAnswer({ ...problem, params: { ...problem.params } }, result.answer);
  if (solved !== result.solved) {
    throw new BenchmarkFailure(
      `${line} at ${budget} steps, puzzle ${problem.question}: the result says solved=${result.solved}, the verifier ${solved}`,
    );
  }
  const stats = result.stats;
  return {
    puzzle: index,
    solved,
    steps: stats?.generatedSteps ?? 0,
    outputTokens: stats?.outputTokens ?? 0,
    policyTokens: result.cost.find((c) => c.service === 'policy')?.outputTokens ?? 0,
    inputTokens: stats?.inputTokens ?? 0,
    modelCalls: stats?.modelCalls ?? 0,
    expansions: stats?.expansions ?? 0,
    stopReason: result.stopReason.replace(/^STOP_REASON_/, '').toLowerCase(),
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
  };
}

function summarize(line: B6Line, slipRate: number, budget: number, runs: readonly Run[]): B6Cell {
  const avg = (f: (r: Run) => number) => round(mean(runs.map(f)), 2);
  const share = (f: (r: Run) => boolean) => round(runs.filter(f).length / runs.length);
  const stopReasons: Record<string, number> = {};
  for (const r of runs) stopReasons[r.stopReason] = (stopReasons[r.stopReason] ?? 0) + 1;
  const expansions = runs.reduce((s, r) => s + r.expansions, 0);
  const cpuMs = runs.reduce((s, r) => s + r.cpuMs, 0);
  const solved = runs.filter((r) => r.solved);
  return {
    line,
    algorithm: isBon(line) ? 'bon' : (line as AlgorithmName),
    slipRate,
    budget,
    request: fieldsFor(line, budget),
    puzzles: runs.length,
    solved: solved.length,
    solveRate: round(solved.length / runs.length),
    meanGeneratedSteps: avg((r) => r.steps),
    meanGeneratedTokens: avg((r) => r.outputTokens),
    meanPolicyTokens: avg((r) => r.policyTokens),
    meanInputTokens: avg((r) => r.inputTokens),
    meanModelCalls: avg((r) => r.modelCalls),
    meanExpansions: avg((r) => r.expansions),
    budgetBound: share((r) => r.stopReason === 'max_generated_steps'),
    solvedWithinTokenLimit: share((r) => r.solved && r.outputTokens <= B6_TOKEN_LIMIT),
    stopReasons,
    wallMs: round(runs.reduce((s, r) => s + r.wallMs, 0), 1),
    cpuMs: round(cpuMs, 1),
    cpuMsPerExpansion: round(cpuMs / Math.max(1, expansions), 4),
    solvedPuzzles: solved.map((r) => r.puzzle),
  };
}

const curve = (cells: readonly B6Cell[]): CurvePoint[] =>
  cells.map((c) => ({ budget: c.budget, tokens: c.meanGeneratedTokens, solveRate: c.solveRate }));

function ratios(results: readonly B6Cell[], settings: B6Settings): B6Ratio[] {
  if (!settings.lines.includes(B6_BASELINE)) return [];
  const rows: B6Ratio[] = [];
  for (const slipRate of settings.slipRates) {
    const at = (line: B6Line) => results.filter((c) => c.line === line && c.slipRate === slipRate);
    const baseline = curve(at(B6_BASELINE));
    for (const line of settings.lines) {
      if (line === B6_BASELINE) continue;
      const r = tokenRatio(baseline, curve(at(line)));
      rows.push({
        line,
        slipRate,
        baselineBestSolveRate: r.baselineBestSolveRate,
        baseline: roundCrossing(r.baseline),
        algorithm: roundCrossing(r.algorithm),
        ratioInterpolated: r.ratioInterpolated === null ? null : round(r.ratioInterpolated, 3),
        ratioAtBudget: r.ratioAtBudget === null ? null : round(r.ratioAtBudget, 3),
        // A curve that never reaches best-of-N's best solve rate misses the target; no baseline, no target.
        target:
          B6_TARGET_LINES.has(line) && r.baseline !== null
            ? atLeast(r.ratioInterpolated === null ? 0 : round(r.ratioInterpolated, 3), B6_TARGET_RATIO)
            : null,
      });
    }
  }
  return rows;
}

function roundCrossing(c: Crossing | null): Crossing | null {
  if (!c) return null;
  return { budget: c.budget, tokensAtBudget: round(c.tokensAtBudget, 1), tokensInterpolated: round(c.tokensInterpolated, 1) };
}

function withinLimit(results: readonly B6Cell[], settings: B6Settings): B6WithinLimit[] {
  return settings.slipRates.flatMap((slipRate) =>
    settings.lines.map((line) => {
      const cells = results.filter((c) => c.line === line && c.slipRate === slipRate);
      const point = largestBudgetWithin(curve(cells), B6_TOKEN_LIMIT);
      const cell = point && cells.find((c) => c.budget === point.budget);
      // The first (smallest) budget wins a tie: it reaches the same with the narrower settings.
      const best = cells.reduce<B6Cell | undefined>(
        (top, c) => (!top || c.solvedWithinTokenLimit > top.solvedWithinTokenLimit ? c : top),
        undefined,
      );
      return {
        line,
        slipRate,
        budget: cell?.budget ?? null,
        meanGeneratedTokens: cell?.meanGeneratedTokens ?? null,
        solveRate: cell?.solveRate ?? null,
        solvedWithinLimit: cell?.solvedWithinTokenLimit ?? null,
        allSolved: cell !== undefined && cell !== null && cell.solved === cell.puzzles,
        bestSolvedWithinLimit: best?.solvedWithinTokenLimit ?? 0,
        bestBudgetWithinLimit: best?.budget ?? null,
      };
    }),
  );
}

export interface B6Options {
  quick: boolean;
  /** Overrides the settings' puzzle count (`--puzzles N`). */
  puzzles?: number;
  logger: Logger;
  progress: (line: string) => void;
}

export async function runB6(options: B6Options): Promise<B6Result> {
  const { progress, logger } = options;
  const base = options.quick ? B6_QUICK : B6_FULL;
  const settings: B6Settings = { ...base, puzzles: options.puzzles ?? base.puzzles };
  const timestamp = new Date().toISOString();
  const hardest = countdown.bundledHardestPuzzles();
  if (settings.puzzles < 1 || settings.puzzles > hardest.length) {
    throw new RangeError(`B6 puzzles: expected 1 to ${hardest.length}, got ${settings.puzzles}`);
  }
  const puzzles = hardest.slice(0, settings.puzzles);
  const results: B6Cell[] = [];
  let failure: string | undefined;
  let searches = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();

  try {
    for (const slipRate of settings.slipRates) {
      // One stack per slip rate: the slip rate is the embedded policy's own setting, read when it is built.
      const stack = composeOrchestrator({ ARBOR_POLICY_SLIP_RATE: String(slipRate) }, logger);
      try {
        // One untimed search per algorithm first, so no timed search pays for compiling its code paths.
        for (const line of settings.lines) await searchOnce(stack, line, 64, puzzles[0]!, 0, settings.firstSeed);
        for (const line of settings.lines) {
          const lineStart = performance.now();
          for (const budget of settings.budgets) {
            if (isBon(line) && budget > settings.bonMaxBudget) continue;
            const runs: Run[] = [];
            // Sequential: the models run on this thread, so a second search in flight would only interleave
            // with the first and blur both searches' wall and CPU times.
            for (const [i, numbers] of puzzles.entries()) {
              runs.push(await searchOnce(stack, line, budget, numbers, i, settings.firstSeed + i));
              searches += 1;
            }
            results.push(summarize(line, slipRate, budget, runs));
          }
          const solved = results.filter((c) => c.line === line && c.slipRate === slipRate).map((c) => c.solveRate.toFixed(2));
          const seconds = ((performance.now() - lineStart) / 1000).toFixed(1);
          progress(`B6: slip ${slipRate}, ${line}: solve rates ${solved.join(' ')} (${seconds} s)`);
        }
      } finally {
        await stack.close();
      }
    }
  } catch (err) {
    if (!(err instanceof BenchmarkFailure)) throw err;
    failure = err.message;
  }
  const used = process.cpuUsage(cpuStart);

  return {
    benchmark: 'B6',
    title: 'search efficiency',
    timestamp,
    quick: options.quick,
    machine: describeMachine(),
    parameters: {
      ...settings,
      puzzleList: puzzles.map((p) => p.join(' ')),
      rules: { ...B6_RULES },
      notes: [
        'countdown, target 24, the first `puzzles` of the 100 hardest bundled puzzles (hardest first); puzzle i is searched with seed firstSeed + i by every line at every budget and slip rate',
        'every search goes through composeOrchestrator({ ARBOR_POLICY_SLIP_RATE }) and SearchRunner.search with the request decoded by the protobuf codec: in-process transport, embedded policy, value and reward backends behind their real handlers, server defaults (algorithms.ts) except the fields in `rules`',
        'budget = budget.maxGeneratedSteps (candidate steps the policy generates; stop reason max_generated_steps); no other limit is set',
        'solved = an answer the countdown verifier accepts (getTask("countdown").verifyAnswer), checked by the benchmark itself',
        'generated tokens = output tokens of all services as the result reports them (policy steps and answer lines, value verdicts; the embedded reward generates none); the policy alone is meanPolicyTokens',
        'means are per puzzle over all puzzles, solved or not; wallMs and cpuMs are sums over the puzzles, one search at a time; cpuMs is the whole process (orchestrator and embedded models)',
        `ratio = tokens best-of-N (${B6_BASELINE}, the server's reward-weighted vote with the verifier) needs to first reach its best solve rate / tokens the line needs to first reach it; "interpolated" places each first crossing between the budget that reaches the rate and the one before it, linearly in log(tokens); "at budget" takes the mean tokens of the smallest budget that reaches it`,
        `withinTokenLimit: the largest budget whose mean generated tokens are <= ${B6_TOKEN_LIMIT}, its solve rate, and the fraction of puzzles solved by a search that itself generated <= ${B6_TOKEN_LIMIT} tokens; bestSolvedWithinLimit: the largest such fraction at any one budget`,
        `best-of-N lines are run up to ${settings.bonMaxBudget} steps (cost; see bonMaxBudget)`,
      ],
    },
    ...(failure !== undefined && { failure }),
    results,
    ratios: ratios(results, settings),
    withinTokenLimit: withinLimit(results, settings),
    totals: {
      searches,
      wallMs: round(performance.now() - wallStart, 1),
      cpuMs: round((used.user + used.system) / 1000, 1),
      maxRssKb: process.resourceUsage().maxRSS,
    },
  };
}

export const lineLabel = (line: B6Line) => (line === 'bon-majority' ? 'bon (majority)' : line === 'bon' ? 'bon (verifier)' : line);

export function b6Table(result: B6Result): string {
  const { budgets, slipRates, lines } = result.parameters;
  const grid = (value: (c: B6Cell) => string) =>
    slipRates.flatMap((slip) =>
      lines.map((line) => [
        lineLabel(line),
        String(slip),
        ...budgets.map((b) => {
          const cell = result.results.find((c) => c.line === line && c.slipRate === slip && c.budget === b);
          return cell ? value(cell) : '';
        }),
      ]),
    );
  const headers = ['algorithm', 'slip', ...budgets.map(String)];
  const ratioRows = result.ratios.map((r) => [
    lineLabel(r.line),
    String(r.slipRate),
    fixed(r.baselineBestSolveRate, 2),
    r.baseline ? fixed(r.baseline.tokensInterpolated, 0) : '-',
    r.algorithm ? fixed(r.algorithm.tokensInterpolated, 0) : 'not reached',
    fixed(r.ratioInterpolated, 2),
    fixed(r.ratioAtBudget, 2),
    r.target ? `${r.target.target} ${metMark(r.target)}` : '',
  ]);
  const limitRows = result.withinTokenLimit.map((w) => [
    lineLabel(w.line),
    String(w.slipRate),
    w.budget === null ? '-' : String(w.budget),
    fixed(w.meanGeneratedTokens, 0),
    fixed(w.solveRate, 2),
    fixed(w.solvedWithinLimit, 2),
    w.budget === null ? '-' : w.allSolved ? 'yes' : 'no',
    w.bestBudgetWithinLimit === null || w.bestSolvedWithinLimit === 0
      ? fixed(w.bestSolvedWithinLimit, 2)
      : `${fixed(w.bestSolvedWithinLimit, 2)} at ${w.bestBudgetWithinLimit}`,
  ]);
  const { totals } = result;
  return [
    `B6 search efficiency: ${result.parameters.puzzles} hardest countdown puzzles, budgets in generated steps (columns), embedded models${result.quick ? ' (quick)' : ''}`,
    '',
    'Solve rate',
    renderTable(headers, grid((c) => fixed(c.solveRate, 2))),
    '',
    'Mean generated tokens per puzzle',
    renderTable(headers, grid((c) => fixed(c.meanGeneratedTokens, 0))),
    '',
    `Tokens to reach best-of-N's best solve rate (ratio = best-of-N tokens / algorithm tokens; target >= ${B6_TARGET_RATIO} for beam, litesearch, mcts)`,
    renderTable(['algorithm', 'slip', 'bon best', 'bon tokens', 'tokens', 'ratio (interp.)', 'ratio (at budget)', 'target'], ratioRows),
    '',
    `Largest budget with mean generated tokens <= ${B6_TOKEN_LIMIT}`,
    renderTable(
      ['algorithm', 'slip', 'budget', 'tokens', 'solve rate', `solved <= ${B6_TOKEN_LIMIT} tok`, 'all solved', `best solved <= ${B6_TOKEN_LIMIT} tok, any budget`],
      limitRows,
    ),
    '',
    `${totals.searches} searches, ${fixed(totals.wallMs / 1000, 1)} s wall, ${fixed(totals.cpuMs / 1000, 1)} s CPU, ` +
      `peak RSS ${fixed(totals.maxRssKb / 1024, 0)} MiB` +
      (result.parameters.bonMaxBudget < Math.max(...budgets) ? `; best-of-N run up to ${result.parameters.bonMaxBudget} steps` : ''),
  ].join('\n');
}

/** The points of one line at one slip rate, budget order. */
export function lineCurve(result: B6Result, line: B6Line, slipRate: number): CurvePoint[] {
  return curve(result.results.filter((c) => c.line === line && c.slipRate === slipRate));
}
