// `arbor eval` as a user runs it (a spawned process): a grid over a countdown file into a run folder, the report
// recomputed from the results files, a second run that resumes (after a SIGKILL and a line cut short), a run
// folder of another grid refused, and the same grid against a running orchestrator (--server).
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTask } from '@arbor/tasks';
import { buildReport, type EvalReport } from '../src/eval/report.js';
import { readGrid } from '../src/eval/grid.js';
import type { ResultLine } from '../src/eval/run-folder.js';
import { startServices, type ServingStack } from '../src/compose/services.js';

const countdown = getTask('countdown');
const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arbor-eval-'));
const PUZZLES = ['4 9 10 13', '1 1 1 1', '3 3 8 8', '2 2 6 6', '1 5 5 5', '1 4 5 6', '3 4 6 7', '2 3 5 12'];
const file = join(dir, 'puzzles.txt');
writeFileSync(file, `${PUZZLES.join('\n')}\n`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking this process (a --server stack may be running in it). */
function arbor(args: string[], options: { killWhen?: () => boolean } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = options.killWhen
      ? setInterval(() => {
          if (options.killWhen!()) child.kill('SIGKILL');
        }, 10)
      : undefined;
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function readResults(out: string): Map<string, ResultLine[]> {
  const results = new Map<string, ResultLine[]>();
  for (const name of readdirSync(join(out, 'results'))) {
    const lines = readFileSync(join(out, 'results', name), 'utf8').split('\n').filter((l) => l !== '');
    results.set(name.replace(/\.jsonl$/, ''), lines.map((l) => JSON.parse(l) as ResultLine));
  }
  return results;
}

const GRID = ['--algo', 'bon,mcts', '--budgets', '32,256', '--seeds', '1'];
const CONFIGS = ['bon.steps-32.seed-1', 'bon.steps-256.seed-1', 'mcts.steps-32.seed-1', 'mcts.steps-256.seed-1'];

describe('arbor eval', { timeout: 180_000 }, () => {
  const out = join(dir, 'run');

  it('runs the grid into the run folder, a result per problem and configuration, and reports from them', async () => {
    const run = await arbor(['eval', '--file', file, '--out', out, ...GRID]);
    expect(run.stderr).toContain(`4 configurations x ${PUZZLES.length} problems`);
    expect(run.code).toBe(0);
    const results = readResults(out);
    expect([...results.keys()].sort()).toEqual([...CONFIGS].sort());
    for (const [config, lines] of results) {
      expect(lines.map((l) => l.problem_id).sort()).toEqual(PUZZLES.map((_, i) => `puzzle-${i + 1}`).sort());
      for (const line of lines) {
        expect(line.config).toBe(config);
        // Correct exactly when the task's own checker accepts the answer for that puzzle.
        const question = PUZZLES[Number(line.problem_id.slice('puzzle-'.length)) - 1]!;
        expect(line.correct).toBe(countdown.verifyAnswer({ task: 'countdown', question, params: { target: '24' } }, line.answer));
        expect(line.input_tokens).toBeGreaterThan(0);
        expect(line.search_id).toMatch(/^[0-9a-f-]{36}$/);
        expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/);
      }
      // "1 1 1 1" makes no 24: never correct.
      expect(lines.find((l) => l.problem_id === 'puzzle-2')?.correct).toBe(false);
    }
    // The report is what the results files say.
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as EvalReport;
    expect(report).toEqual(JSON.parse(JSON.stringify(buildReport(readGrid({ algo: 'bon,mcts', budgets: '32,256', seeds: '1' }), results))));
    const row = report.rows.find((r) => r.algo === 'mcts' && r.budget === 256)!;
    const lines = results.get('mcts.steps-256.seed-1')!;
    expect(row.correct).toBe(lines.filter((l) => l.correct).length);
    expect(row.meanGeneratedTokens).toBeCloseTo(lines.reduce((s, l) => s + l.output_tokens, 0) / lines.length, 9);
    expect(row.ci95.low).toBeLessThanOrEqual(row.accuracy);
    expect(row.ci95.high).toBeGreaterThanOrEqual(row.accuracy);
    expect(report.matchBestOfN.map((m) => m.algo)).toEqual(['mcts']);
    expect(run.stdout).toMatch(/^algorithm +budget +results +accuracy +95% CI/m);
    expect(readFileSync(join(out, 'accuracy.svg'), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const png = readFileSync(join(out, 'accuracy.png'));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // Drawn at twice the SVG's width (IHDR's width, big-endian, at byte 16).
    const svgWidth = Number(/<svg[^>]* width="(\d+)"/.exec(readFileSync(join(out, 'accuracy.svg'), 'utf8'))![1]);
    expect(png.readUInt32BE(16)).toBe(2 * svgWidth);
  });

  it('with --save-trees, writes each search\'s whole tree beside its result', async () => {
    const trees = join(dir, 'trees');
    const run = await arbor(['eval', '--file', file, '--out', trees, '--algo', 'mcts', '--budgets', '256', '--save-trees']);
    expect(run.code).toBe(0);
    const [lines] = [...readResults(trees).values()];
    for (const line of lines!) {
      const saved = JSON.parse(readFileSync(join(trees, 'trees', 'mcts.steps-256.seed-1', `${line.problem_id}.json`), 'utf8'));
      expect(saved).toMatchObject({ search_id: line.search_id, problem_id: line.problem_id, config: 'mcts.steps-256.seed-1' });
      expect(saved.nodes).toHaveLength(line.nodes);
      expect(saved.nodes.map((n: { id: number }) => n.id)).toEqual(saved.nodes.map((_: unknown, i: number) => i));
      expect(saved.nodes[0]).toMatchObject({ id: 0, parent_id: 0, depth: 0, text: '' });
      // A solved search's tree holds a terminal node with the answer given.
      if (line.correct) expect(saved.nodes.some((n: { terminal: boolean; answer: string }) => n.terminal && n.answer === line.answer)).toBe(true);
    }
    // Saving trees is part of what the run is: the folder refuses the same grid without it.
    const without = await arbor(['eval', '--file', file, '--out', trees, '--algo', 'mcts', '--budgets', '256']);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('its settings differ');
  });

  it('resumes: the same command again runs nothing and leaves the results as they were', async () => {
    const before = readdirSync(join(out, 'results')).map((n) => readFileSync(join(out, 'results', n), 'utf8'));
    const run = await arbor(['eval', '--file', file, '--out', out, ...GRID]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`resuming ${out}: ${4 * PUZZLES.length} of ${4 * PUZZLES.length} results there, 0 to run`);
    expect(readdirSync(join(out, 'results')).map((n) => readFileSync(join(out, 'results', n), 'utf8'))).toEqual(before);
  });

  it('refuses a run folder that holds another grid, naming what differs', async () => {
    const run = await arbor(['eval', '--file', file, '--out', out, '--algo', 'bon,beam', '--budgets', '32,256']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('holds another run (its grid (--algo, --budgets, --budget-unit, --seeds) differ)');
  });

  it('after a SIGKILL and a line cut short, runs only what is missing: every problem answered once', async () => {
    const killed = join(dir, 'killed');
    const args = ['eval', '--file', file, '--out', killed, '--algo', 'mcts', '--budgets', '512', '--seeds', '1,2,3', '--concurrency', '1'];
    const first = join(killed, 'results', 'mcts.steps-512.seed-1.jsonl');
    const lineCount = () => (existsSync(first) ? readFileSync(first, 'utf8').split('\n').filter((l) => l !== '').length : 0);
    const run = await arbor(args, { killWhen: () => lineCount() >= 3 });
    expect(run.code).toBe(null);
    const partial = readResults(killed);
    const doneBefore = [...partial.values()].reduce((n, lines) => n + lines.length, 0);
    expect(doneBefore).toBeGreaterThanOrEqual(3);
    expect(doneBefore).toBeLessThan(3 * PUZZLES.length);
    // A write the kill cut short.
    appendFileSync(first, '{"problem_id":"puzzle-8","conf');
    const resumed = await arbor(args);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`resuming ${killed}: ${doneBefore} of ${3 * PUZZLES.length} results there`);
    for (const [, lines] of readResults(killed)) {
      const ids = lines.map((l) => l.problem_id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(PUZZLES.map((_, i) => `puzzle-${i + 1}`).sort());
    }
  });
});

describe('arbor eval --server', { timeout: 120_000 }, () => {
  let stack: ServingStack;
  beforeAll(async () => {
    stack = await startServices(['all'], { ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0', ARBOR_GATEWAY_LISTEN: '127.0.0.1:0', ARBOR_INPROC_WORKERS: '0' }, 'silent');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('runs the same grid against a running orchestrator, with the same answers as in process for the same seeds, and its trees', async () => {
    const out = join(dir, 'remote');
    const run = await arbor(['eval', '--file', file, '--out', out, ...GRID, '--server', stack.services[0]!.grpc.address, '--save-trees']);
    expect(run.code).toBe(0);
    const remote = readResults(out);
    // The trees came over GetTree, page by page.
    for (const line of remote.get('mcts.steps-256.seed-1')!) {
      const saved = JSON.parse(readFileSync(join(out, 'trees', 'mcts.steps-256.seed-1', `${line.problem_id}.json`), 'utf8'));
      expect(saved.nodes).toHaveLength(line.nodes);
    }
    // The in-process run of the same grid (made by the first test, or here when that one was not run).
    if (!existsSync(join(dir, 'run', 'results'))) expect((await arbor(['eval', '--file', file, '--out', join(dir, 'run'), ...GRID])).code).toBe(0);
    const local = readResults(join(dir, 'run'));
    for (const config of CONFIGS) {
      const answers = (results: Map<string, ResultLine[]>) => Object.fromEntries(results.get(config)!.map((l) => [l.problem_id, [l.answer, l.correct]]));
      expect(answers(remote)).toEqual(answers(local));
    }
  });
});
