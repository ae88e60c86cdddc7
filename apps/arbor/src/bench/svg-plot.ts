// A small SVG line-chart writer for benchmark plots: panels side by side sharing one legend, a log or linear
// x axis, a linear y axis. Hand-written so that a benchmark needs no plotting dependency; it draws only what
// the benchmarks need (lines with markers, ticks, grid, titles), in plain SVG 1.1 any browser or rsvg renders.

export interface Series {
  name: string;
  points: ReadonlyArray<{ x: number; y: number }>;
  /** Drawn dashed, e.g. for a baseline. */
  dashed?: boolean;
}

export interface Panel {
  title: string;
  series: readonly Series[];
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  xLog: boolean;
  /** Fixed y range (e.g. [0, 1] for a rate); the x range is fitted to the data of all panels. */
  yRange: readonly [number, number];
  /** Vertical reference lines drawn in every panel, e.g. a target. */
  xMarkers?: ReadonlyArray<{ x: number; label: string }>;
  panels: readonly Panel[];
}

/**
 * Colours that stay apart for colour-blind readers (Okabe and Ito's palette), then three more; a series keeps
 * its colour in every panel, since colours go by the order in which names first appear.
 */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999933', '#882255', '#44AA99'];

const PANEL_WIDTH = 460;
const PANEL_HEIGHT = 340;
const MARGIN = { left: 64, right: 20, top: 56, bottom: 56 };
const LEGEND_WIDTH = 170;
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Coordinates rounded to 0.1 px: enough for the eye, and keeps the file small and diffable. */
const px = (v: number) => (Math.round(v * 10) / 10).toString();

interface Axis {
  min: number;
  max: number;
  ticks: number[];
  label: (v: number) => string;
}

function logAxis(values: readonly number[]): Axis {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = positive.length > 0 ? Math.min(...positive) : 1;
  const hi = positive.length > 0 ? Math.max(...positive) : 10;
  // Whole decades around the data, so the 1-2-5 ticks below always have a decade line to sit between.
  const min = 10 ** Math.floor(Math.log10(lo));
  const max = 10 ** Math.ceil(Math.log10(hi === lo ? hi * 10 : hi));
  const ticks: number[] = [];
  for (let decade = min; decade < max * 1.0001; decade *= 10) {
    for (const m of [1, 2, 5]) if (decade * m <= max * 1.0001) ticks.push(decade * m);
  }
  return { min, max, ticks, label: formatCount };
}

function linearAxis(min: number, max: number): Axis {
  const step = niceStep((max - min) / 5);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return { min, max, ticks, label: (v) => v.toFixed(decimals) };
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / magnitude;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * magnitude;
}

/** 1 200 -> "1.2k", 20 000 -> "20k": tick labels that fit under a log axis. */
export function formatCount(v: number): string {
  if (v >= 1e6) return `${trim(v / 1e6)}M`;
  if (v >= 1e3) return `${trim(v / 1e3)}k`;
  return trim(v);
}

function trim(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

export function lineChartSvg(spec: ChartSpec): string {
  const allX = spec.panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt.x)));
  const xAxis = spec.xLog ? logAxis(allX) : linearAxis(Math.min(...allX), Math.max(...allX));
  const yAxis = linearAxis(spec.yRange[0], spec.yRange[1]);
  const names = [...new Set(spec.panels.flatMap((p) => p.series.map((s) => s.name)))];
  const colour = (name: string) => PALETTE[names.indexOf(name) % PALETTE.length]!;
  const dashed = new Set(spec.panels.flatMap((p) => p.series.filter((s) => s.dashed).map((s) => s.name)));

  // Wide enough for the title too (about 8 px a character at 15 px bold), which one panel alone is not.
  const width = Math.max(spec.panels.length * PANEL_WIDTH + LEGEND_WIDTH, Math.ceil(spec.title.length * 8 + 40));
  const height = PANEL_HEIGHT + 30;
  const plotW = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const xScale = (v: number) =>
    spec.xLog
      ? ((Math.log10(v) - Math.log10(xAxis.min)) / (Math.log10(xAxis.max) - Math.log10(xAxis.min))) * plotW
      : ((v - xAxis.min) / (xAxis.max - xAxis.min || 1)) * plotW;
  const yScale = (v: number) => plotH - ((v - yAxis.min) / (yAxis.max - yAxis.min || 1)) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${px(width / 2)}" y="22" text-anchor="middle" font-size="15" font-weight="bold" ${FONT}>${escapeXml(spec.title)}</text>`);

  spec.panels.forEach((panel, i) => {
    const ox = i * PANEL_WIDTH + MARGIN.left;
    const oy = MARGIN.top + 10;
    out.push(`<g transform="translate(${ox},${oy})">`);
    out.push(`<text x="${px(plotW / 2)}" y="-12" text-anchor="middle" font-size="13" ${FONT}>${escapeXml(panel.title)}</text>`);
    for (const t of yAxis.ticks) {
      const y = px(yScale(t));
      out.push(`<line x1="0" y1="${y}" x2="${px(plotW)}" y2="${y}" stroke="#e4e4e4"/>`);
      out.push(`<text x="-8" y="${y}" dy="4" text-anchor="end" font-size="11" ${FONT}>${escapeXml(yAxis.label(t))}</text>`);
    }
    for (const t of xAxis.ticks) {
      const x = px(xScale(t));
      out.push(`<line x1="${x}" y1="0" x2="${x}" y2="${px(plotH)}" stroke="#e4e4e4"/>`);
      out.push(`<line x1="${x}" y1="${px(plotH)}" x2="${x}" y2="${px(plotH + 5)}" stroke="#333333"/>`);
      out.push(`<text x="${x}" y="${px(plotH + 18)}" text-anchor="middle" font-size="11" ${FONT}>${escapeXml(xAxis.label(t))}</text>`);
    }
    out.push(`<rect x="0" y="0" width="${px(plotW)}" height="${px(plotH)}" fill="none" stroke="#333333"/>`);
    for (const marker of spec.xMarkers ?? []) {
      const x = xScale(marker.x);
      if (!(x >= 0 && x <= plotW)) continue;
      out.push(`<line x1="${px(x)}" y1="0" x2="${px(x)}" y2="${px(plotH)}" stroke="#777777" stroke-dasharray="2 3"/>`);
      out.push(`<text x="${px(x + 4)}" y="12" font-size="10" fill="#555555" ${FONT}>${escapeXml(marker.label)}</text>`);
    }
    out.push(`<text x="${px(plotW / 2)}" y="${px(plotH + 40)}" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(spec.xLabel)}</text>`);
    out.push(
      `<text transform="translate(-44,${px(plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="12" ${FONT}>${escapeXml(spec.yLabel)}</text>`,
    );
    for (const series of panel.series) {
      // A log axis has no place for x <= 0; such points (a search that generated nothing) are left out.
      const pts = series.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!spec.xLog || p.x > 0));
      if (pts.length === 0) continue;
      const c = colour(series.name);
      const coords = pts.map((p) => `${px(xScale(p.x))},${px(yScale(p.y))}`);
      const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
      out.push(`<polyline fill="none" stroke="${c}" stroke-width="2"${dash} points="${coords.join(' ')}"><title>${escapeXml(series.name)}</title></polyline>`);
      for (const xy of coords) {
        const [x, y] = xy.split(',');
        out.push(`<circle cx="${x}" cy="${y}" r="3" fill="${c}"/>`);
      }
    }
    out.push('</g>');
  });

  const lx = spec.panels.length * PANEL_WIDTH + 10;
  out.push(`<g transform="translate(${lx},${MARGIN.top + 10})">`);
  names.forEach((name, i) => {
    const y = i * 20;
    const dash = dashed.has(name) ? ' stroke-dasharray="6 4"' : '';
    out.push(`<line x1="0" y1="${y}" x2="28" y2="${y}" stroke="${colour(name)}" stroke-width="2"${dash}/>`);
    out.push(`<circle cx="14" cy="${y}" r="3" fill="${colour(name)}"/>`);
    out.push(`<text x="36" y="${y}" dy="4" font-size="12" ${FONT}>${escapeXml(name)}</text>`);
  });
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
