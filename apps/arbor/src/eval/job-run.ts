// `arbor eval --job`: the grid runs as a durable job on the orchestrators (JetStream), and this process only
// follows it into the run folder. The folder remembers the job (job.json), so the same command again, or
// `--attach JOB` from anywhere with the same dataset, picks up where the results file ends: the job itself never
// stopped. A result the job reports as failed is written with stop_reason "error" and counts as not correct.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { algorithmOneof } from '@arbor/orchestrator';
import type { Job__Output, JobResult__Output, SubmitJobRequest } from '@arbor/contracts';
import { nodeJson } from '@arbor/gateway';
import { ArborError } from '@arbor/kit/errors';
import type { CliIO } from '../cli/io.js';
import type { JobClient } from '../cli/job-client.js';
import type { ProblemEntry } from '../cli/problems/entry.js';
import { progressBar } from '../cli/progress.js';
import type { Searcher } from '../cli/searcher.js';
import { UsageError } from '../cli/usage-error.js';
import { budgetOf, type EvalConfig } from './grid.js';
import { resultLine } from './result-line.js';
import type { ResultLine, RunFolder } from './run-folder.js';

interface JobFile {
  job_id: string;
  server: string;
}

function jobFilePath(folder: RunFolder): string {
  return join(folder.dir, 'job.json');
}

/** The job this folder follows, if any. */
export function recordedJob(folder: RunFolder): string | undefined {
  const path = jobFilePath(folder);
  if (!existsSync(path)) return undefined;
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as JobFile).job_id;
  } catch {
    throw new UsageError(`--out: "${path}" is not a job record; remove it to submit the run again`);
  }
}

export function submitRequest(name: string, configs: readonly EvalConfig[], entries: readonly ProblemEntry[], deadlineMs: number | undefined): SubmitJobRequest {
  return {
    name,
    configurations: configs.map((config) => ({
      name: config.name,
      // Problem i runs with seed + i on the server, as in process.
      search: { ...algorithmOneof(config.algo, config.params), budget: budgetOf(config, deadlineMs), seed: String(config.seed) },
    })),
    problems: entries.map((entry) => entry.problem),
  };
}

/**
 * Names the job first (job.json, with an id of our own), then submits it: a submission whose reply is lost (a
 * timeout, Ctrl-C) is sent again by the next run under the same id, and finds the job it made.
 */
export async function submitJob(folder: RunFolder, client: JobClient, server: string, request: SubmitJobRequest): Promise<Job__Output> {
  const record: JobFile = { job_id: randomUUID(), server };
  // Written whole or not at all (a rename), so that a kill mid-write never leaves a record the next run cannot read.
  const path = jobFilePath(folder);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return client.submit({ ...request, jobId: record.job_id });
}

/** Refuses to follow a job whose grid or dataset is not this command's. */
export function checkJobMatches(job: Job__Output, configs: readonly EvalConfig[], problems: number): void {
  const same = job.problems === problems && JSON.stringify(job.configurations) === JSON.stringify(configs.map((c) => c.name));
  if (!same) {
    throw new UsageError(`--attach: job ${job.jobId} runs ${job.configurations.length} configurations x ${job.problems} problems, not this command's grid and dataset; give the command that submitted it`);
  }
}

function failedLine(result: JobResult__Output, config: string, entry: ProblemEntry): ResultLine {
  return {
    problem_id: entry.problem.id,
    config,
    answer: '',
    correct: entry.verifiable ? false : null,
    input_tokens: 0,
    output_tokens: 0,
    cached_input_tokens: 0,
    cost_usd: 0,
    expansions: 0,
    generated_steps: 0,
    nodes: 0,
    stop_reason: 'error',
    wall_ms: 0,
    search_id: `${result.jobId}.${result.configurationIndex}.${result.problemIndex}`,
    trace_id: '',
    error: `${result.errorCode}: ${result.errorMessage}`,
  };
}

export interface FollowOptions {
  folder: RunFolder;
  client: JobClient;
  /** For --save-trees: any orchestrator replica serves any job search's tree. */
  searcher?: Searcher;
  configs: readonly EvalConfig[];
  entries: readonly ProblemEntry[];
  io: CliIO;
}

/** Writes the job's results into the folder until the job is done or cancelled; returns its last status. */
export async function followJob(jobId: string, options: FollowOptions): Promise<Job__Output> {
  const { folder, client, searcher, configs, entries, io } = options;
  const done = new Map(configs.map((c) => [c.name, new Set(folder.results(c.name).keys())]));
  const already = [...done.values()].reduce((n, s) => n + s.size, 0);
  const total = configs.length * entries.length;
  const progress = progressBar(io.stderr, total - already);
  let last: Job__Output | undefined;
  let failures = 0;
  let missingTrees = 0;
  for await (const event of client.watch(jobId)) {
    if (event.status) {
      last = event.status;
      continue;
    }
    const result = event.result;
    if (!result) continue;
    const config = configs[result.configurationIndex];
    const entry = entries[result.problemIndex];
    if (!config || !entry || entry.problem.id !== result.problemId || config.name !== result.configuration) {
      throw new UsageError(`--attach: job ${jobId} holds other problems than this dataset (or in another order); give the command that submitted it`);
    }
    const seen = done.get(config.name)!;
    if (seen.has(entry.problem.id)) continue;
    if (result.result) {
      if (searcher) {
        try {
          const nodes = await searcher.tree(result.result.searchId);
          folder.saveTree(config.name, entry.problem.id, { search_id: result.result.searchId, problem_id: entry.problem.id, config: config.name, nodes: nodes.map(nodeJson) });
        } catch (err) {
          // Expired, or its replica gone with JetStream's store full: the result stands without its tree.
          if (!(err instanceof ArborError && err.kind === 'not_found')) throw err;
          missingTrees++;
        }
      }
      folder.append(resultLine(config, entry, result.result));
    } else {
      failures++;
      folder.append(failedLine(result, config.name, entry));
    }
    seen.add(entry.problem.id);
    progress.tick(entry.label);
  }
  progress.done();
  if (missingTrees > 0) io.stderr.write(`arbor eval: ${missingTrees} trees of job ${jobId} are no longer kept (ARBOR_TREE_RETENTION_HOURS, ARBOR_SHARED_TREES_MB); their results are written without them\n`);
  if (failures > 0) io.stderr.write(`arbor eval: ${failures} problems of job ${jobId} failed (stop_reason "error" in the results, counted as not correct)\n`);
  if (!last) throw new UsageError(`--attach: the server sent nothing about job ${jobId}`);
  return last;
}
