// The eval report, worked out from the results files alone (so it can be recomputed and checked): accuracy per
// algorithm and budget with a 95 % Wilson interval, the mean tokens and cost spent, the generated tokens each
// algorithm needs to match best-of-N's best accuracy (as B6 reads its curves), and the plot of accuracy against
// generated tokens.
import { tokenRatio, type CurvePoint } from '../bench/b6-curves.js';
import { lineChartSvg } from '../bench/svg-plot.js';
import type { EvalConfig } from './grid.js';
import type { ResultLine } from './run-folder.js';

/** z for a two-sided 95 % interval. */
const Z95 = 1.959964;

/** Wilson's score interval for `successes` of `n` (good at small n and at rates near 0 or 1). */
export function wilson(successes: number, n: number, z = Z95): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** One algorithm at one budget, its seeds pooled. */
export interface ReportRow {
  algo: string;
  unit: string;
  budget: number;
  /** Results counted (problems x seeds). */
  results: number;
  /** Of them, with a reference to check against. */
  verifiable: number;
  correct: number;
  accuracy: number;
  ci95: { low: number; high: number };
  meanGeneratedTokens: number;
  meanTokens: number;
  meanCachedInputTokens: number;
  meanCostUsd: number;
  meanWallMs: number;
}

export interface MatchRow {
  algo: string;
  /** bon's (best-of-N's) best accuracy over the grid's budgets: the bar every algorithm is read against. */
  target: number;
  /** Generated tokens per problem best-of-N needs for it, and this algorithm (null: never reaches it). */
  baselineTokens: number | null;
  tokens: number | null;
  /** baselineTokens / tokens: how many times fewer generated tokens this algorithm needs. */
  ratio: number | null;
}

export interface EvalReport {
  rows: ReportRow[];
  /** Empty unless bon (best-of-N) is in the grid. */
  matchBestOfN: MatchRow[];
}

const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

export function buildReport(configs: readonly EvalConfig[], results: ReadonlyMap<string, readonly ResultLine[]>): EvalReport {
  const cells = new Map<string, { config: EvalConfig; lines: ResultLine[] }>();
  for (const config of configs) {
    const key = `${config.algo}\n${config.budget}`;
    const cell = cells.get(key) ?? { config, lines: [] };
    cell.lines.push(...(results.get(config.name) ?? []));
    cells.set(key, cell);
  }
  const rows = [...cells.values()].map(({ config, lines }): ReportRow => {
    const checked = lines.filter((l) => l.correct !== null);
    const correct = checked.filter((l) => l.correct === true).length;
    return {
      algo: config.algo,
      unit: config.unit,
      budget: config.budget,
      results: lines.length,
      verifiable: checked.length,
      correct,
      accuracy: checked.length === 0 ? 0 : correct / checked.length,
      ci95: wilson(correct, checked.length),
      meanGeneratedTokens: mean(lines.map((l) => l.output_tokens)),
      meanTokens: mean(lines.map((l) => l.input_tokens + l.output_tokens)),
      meanCachedInputTokens: mean(lines.map((l) => l.cached_input_tokens)),
      meanCostUsd: mean(lines.map((l) => l.cost_usd)),
      meanWallMs: mean(lines.map((l) => l.wall_ms)),
    };
  });
  const curve = (algo: string): CurvePoint[] =>
    rows.filter((r) => r.algo === algo).map((r) => ({ budget: r.budget, tokens: r.meanGeneratedTokens, solveRate: r.accuracy }));
  const algos = [...new Set(rows.map((r) => r.algo))];
  const matchBestOfN = algos.includes('bon')
    ? algos
        .filter((a) => a !== 'bon')
        .map((algo): MatchRow => {
          const ratio = tokenRatio(curve('bon'), curve(algo));
          return {
            algo,
            target: ratio.baselineBestSolveRate,
            baselineTokens: ratio.baseline?.tokensInterpolated ?? null,
            tokens: ratio.algorithm?.tokensInterpolated ?? null,
            ratio: ratio.ratioInterpolated,
          };
        })
    : [];
  return { rows, matchBestOfN };
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const round = (x: number) => (x >= 100 ? Math.round(x).toString() : x.toFixed(1));

/** The summary table printed at the end and written to report.md. */
export function reportTable(report: EvalReport): string {
  const header = ['algorithm', 'budget', 'results', 'accuracy', '95% CI', 'gen tokens', 'tokens', 'cost $', 'wall ms'];
  const body = report.rows.map((r) => [
    r.algo,
    `${r.budget} ${r.unit}`,
    String(r.results),
    r.verifiable === 0 ? '-' : percent(r.accuracy),
    r.verifiable === 0 ? '-' : `${percent(r.ci95.low)}-${percent(r.ci95.high)}`,
    round(r.meanGeneratedTokens),
    round(r.meanTokens),
    r.meanCostUsd.toFixed(4),
    round(r.meanWallMs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [line(header), ...body.map(line)];
  for (const m of report.matchBestOfN) {
    lines.push(
      m.ratio === null
        ? `${m.algo}: does not reach best-of-N's best accuracy (${percent(m.target)}) within the grid`
        : `${m.algo}: reaches best-of-N's best accuracy (${percent(m.target)}) at ${round(m.tokens!)} generated tokens per problem, best-of-N at ${round(m.baselineTokens!)}: ratio ${m.ratio.toFixed(2)} (above 1: fewer tokens than best-of-N)`,
    );
  }
  return lines.join('\n');
}

export function reportSvg(report: EvalReport, title: string): string {
  const algos = [...new Set(report.rows.map((r) => r.algo))];
  return lineChartSvg({
    title,
    xLabel: 'mean generated tokens per problem (log scale)',
    yLabel: 'accuracy',
    xLog: true,
    yRange: [0, 1],
    panels: [
      {
        title: 'accuracy vs generated tokens',
        series: algos.map((algo) => ({
          name: algo,
          dashed: algo === 'bon',
          points: report.rows
            .filter((r) => r.algo === algo && r.meanGeneratedTokens > 0)
            .sort((a, b) => a.budget - b.budget)
            .map((r) => ({ x: r.meanGeneratedTokens, y: r.accuracy })),
        })),
      },
    ],
  });
}
