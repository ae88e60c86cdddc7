// B6's plot: solve rate against mean generated tokens per puzzle (log scale), one line per algorithm and one
// panel per slip rate, written next to b6.json as an SVG.
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { B6_TOKEN_LIMIT, lineCurve, lineLabel, type B6Result } from './b6-search.js';
import { lineChartSvg } from './svg-plot.js';

export const B6_PLOT_FILE = 'b6-solve-rate.svg';

export function b6PlotSvg(result: B6Result): string {
  const { slipRates, lines, puzzles } = result.parameters;
  return lineChartSvg({
    title: `B6: solve rate vs generated tokens, ${puzzles} hardest countdown puzzles${result.quick ? ' (quick run)' : ''}`,
    xLabel: 'mean generated tokens per puzzle (log scale)',
    yLabel: 'solve rate',
    xLog: true,
    yRange: [0, 1],
    xMarkers: [{ x: B6_TOKEN_LIMIT, label: `${B6_TOKEN_LIMIT} tokens` }],
    panels: slipRates.map((slip) => ({
      title: `policy slip rate ${slip}`,
      series: lines.map((line) => ({
        name: lineLabel(line),
        // Best-of-N is the baseline: dashed, so the tree searches stand out against it.
        dashed: line === 'bon' || line === 'bon-majority',
        points: lineCurve(result, line, slip).map((p) => ({ x: p.tokens, y: p.solveRate })),
      })),
    })),
  });
}

/** Writes `<dir>/b6-solve-rate.svg` and returns the path written (dir already exists: writeResult made it). */
export async function writeB6Plot(dir: string, result: B6Result): Promise<string> {
  const path = join(resolve(dir), B6_PLOT_FILE);
  await writeFile(path, b6PlotSvg(result));
  return path;
}
