// What every benchmark result carries (machine, time, parameters), how it is written (one JSON file per
// benchmark, so a later run can be compared file by file) and how numbers are shown in the tables.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  arch: string;
  totalMemoryMb: number;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
  };
}

/** A ratio next to its target, so a reader of the JSON need not know the spec to see whether it was met. */
export interface TargetedRatio {
  value: number;
  target: string;
  met: boolean;
}

export function atMost(value: number, limit: number): TargetedRatio {
  return { value, target: `<= ${limit}`, met: value <= limit };
}

export function atLeast(value: number, limit: number): TargetedRatio {
  return { value, target: `>= ${limit}`, met: value >= limit };
}

/** Writes `<dir>/<name>.json` (creating dir) and returns the path written. */
export async function writeResult(dir: string, name: string, result: object): Promise<string> {
  const absolute = resolve(dir);
  await mkdir(absolute, { recursive: true });
  const path = join(absolute, `${name}.json`);
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** A fixed number of decimals for a table cell; "-" for a value that does not apply. */
export function fixed(value: number | null | undefined, decimals: number): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(decimals);
}

export function metMark(ratio: TargetedRatio): string {
  return ratio.met ? 'met' : 'MISSED';
}
