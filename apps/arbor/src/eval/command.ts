// `arbor eval`: a dataset over a grid of algorithms x budgets x seeds, in this process or against --server, into
// a run folder that a second run of the same command resumes; then the report (report.json, report.md, the
// accuracy plot) worked out from the results files.
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { JOB_ID_PATTERN, type Job__Output } from '@arbor/contracts';
import { ArborError } from '@arbor/kit/errors';
import { algorithmOneof } from '@arbor/orchestrator';
import { nodeJson } from '@arbor/gateway';
import { Resvg } from '@resvg/resvg-js';
import { choiceFlag, integerFlag, parseFlags } from '../cli/args.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, readConnection } from '../cli/connection.js';
import type { CliIO } from '../cli/io.js';
import type { ProblemEntry } from '../cli/problems/entry.js';
import { progressBar } from '../cli/progress.js';
import { localSearcher, remoteSearcher, type Searcher } from '../cli/searcher.js';
import { readEntries, TASKS } from '../cli/solve.js';
import { UsageError } from '../cli/usage-error.js';
import { budgetOf, readGrid, type EvalConfig } from './grid.js';
import { buildReport, reportSvg, reportTable } from './report.js';
import { jobClient } from '../cli/job-client.js';
import { checkJobMatches, followJob, recordedJob, submitJob, submitRequest } from './job-run.js';
import { RunFolder, sha256Of, type RunDefinition } from './run-folder.js';
import { resultLine } from './result-line.js';

export const EVAL_FLAGS = {
  task: { type: 'string' },
  file: { type: 'string' },
  samples: { type: 'boolean' },
  'step-delimiter': { type: 'string' },
  target: { type: 'string' },
  algo: { type: 'string' },
  param: { type: 'string', multiple: true },
  budgets: { type: 'string' },
  'budget-unit': { type: 'string' },
  seeds: { type: 'string' },
  'deadline-ms': { type: 'string' },
  concurrency: { type: 'string' },
  server: { type: 'string' },
  job: { type: 'boolean' },
  attach: { type: 'string' },
  out: { type: 'string' },
  'save-trees': { type: 'boolean' },
  ...CONNECTION_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

export const EVAL_HELP = `Usage: arbor eval --file DATASET --out DIR [options]
       arbor eval --task math --samples --out DIR [options]

Runs every problem of a dataset with every algorithm, budget and seed of a grid, and reports accuracy per
algorithm and budget (95% Wilson interval), the tokens and cost spent, and the generated tokens each algorithm
needs to reach best-of-N's best accuracy. Results go to DIR a line per problem as each finishes; the same
command again resumes the run (at most the problems in flight when it stopped are run again).

Dataset:
  --task countdown|math   default countdown
  --file PATH             countdown: one puzzle per line; math: JSON lines ({question, answer} as GSM8K,
                          {problem, solution} as MATH, or {question, reference}) or a JSON array
  --samples               math: the built-in sample problems
  --target N              countdown target (default 24); --step-delimiter as for arbor solve
Grid:
  --algo LIST             algorithms, comma-separated (default bon,mcts; the names of arbor solve --algo)
  --param ALGO.NAME=V     a parameter of one algorithm of the grid, e.g. beam.beam_width=8 (repeatable)
  --budgets LIST          budgets, comma-separated (default 64,256 steps)
  --budget-unit U         steps (generated steps, as B6) | generated-tokens (output tokens, the budget of
                          compute-matched comparisons) | tokens (input + output) | cost (USD); default steps
  --seeds LIST            seeds (default 1); problem i of seed S uses seed S + i
Run:
  --out DIR               the run folder (required): run.json, results/<config>.jsonl, report.json,
                          report.md, accuracy.svg and accuracy.png
  --save-trees            also write each search's whole tree to DIR/trees/<config>/<problem id>.json
  --concurrency N         searches at once (default 4)
  --deadline-ms N         wall-clock limit of each search
  --server HOST:PORT      a running orchestrator instead of the embedded stack in this process
  --job                   with --server: run the grid as a durable job on the orchestrators (ARBOR_JOBS=on,
                          NATS JetStream) and follow it into DIR. The job goes on if this command stops, and
                          a replica that dies hands its problems to the others; the same command again
                          follows it on (DIR/job.json names the job)
  --attach JOB            with --server: follow a job already submitted (the dataset and grid flags of the
                          command that submitted it), e.g. from another machine. List jobs with arbor jobs
${CONNECTION_HELP}`;

/** A configuration's problems still to run, and the results it already has. */
interface Pending {
  config: EvalConfig;
  todo: Array<{ entry: ProblemEntry; index: number }>;
}

/** Runs `jobs` with at most `concurrency` at once. */
async function pool<T>(items: readonly T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export async function evalCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(args, EVAL_FLAGS);
  if (values.help) {
    io.stdout.write(EVAL_HELP);
    return 0;
  }
  if (values.out === undefined) throw new UsageError('--out DIR is required: the run folder, which the same command resumes');
  const task = choiceFlag('task', values.task, TASKS) ?? 'countdown';
  if (values.file === undefined && values.samples !== true) throw new UsageError('give the dataset: --file PATH (or --task math --samples)');
  const entries = await readEntries(task, { file: values.file, samples: values.samples, 'step-delimiter': values['step-delimiter'], target: values.target } as Parameters<typeof readEntries>[1]);
  const ids = new Set(entries.map((e) => e.problem.id));
  if (ids.size !== entries.length) throw new UsageError('--file: two problems share an id; every problem needs its own to be resumed');
  const configs = readGrid(values);
  const concurrency = integerFlag('concurrency', values.concurrency, 1, 256) ?? 4;
  const deadlineMs = integerFlag('deadline-ms', values['deadline-ms'], 1, 3_600_000);
  const server = values.server;
  if (server !== undefined && !/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(server)) throw new UsageError(`--server: expected HOST:PORT, got "${server}"`);
  const asJob = values.job === true || values.attach !== undefined;
  if (asJob && server === undefined) throw new UsageError(`--${values.attach !== undefined ? 'attach' : 'job'}: needs --server HOST:PORT, the orchestrator that runs jobs`);
  if (values.attach !== undefined && !JOB_ID_PATTERN.test(values.attach)) throw new UsageError('--attach: expected a job id (as arbor jobs list shows)');

  const definition: RunDefinition = {
    task,
    dataset: { path: values.file ?? 'samples', sha256: values.file ? sha256Of(values.file) : 'samples', problems: entries.length },
    configs: configs.map((c) => c.name),
    settings: {
      ...(deadlineMs !== undefined && { deadline_ms: deadlineMs }),
      ...(values.target !== undefined && { target: values.target }),
      ...(values['step-delimiter'] !== undefined && { step_delimiter: values['step-delimiter'] }),
      // A job is answered by whichever replicas run it: the address it was followed through changes nothing.
      ...(server !== undefined && !asJob && { server }),
      ...(asJob && { job: true }),
      ...(values['save-trees'] === true && { save_trees: true }),
      ...(values.param !== undefined && { params: [...values.param].sort().join(' ') }),
    },
  };
  const folder = RunFolder.open(values.out, definition);
  const pending: Pending[] = configs.map((config) => {
    const done = folder.results(config.name);
    return { config, todo: entries.map((entry, index) => ({ entry, index })).filter(({ entry }) => !done.has(entry.problem.id)) };
  });
  const total = configs.length * entries.length;
  const remaining = pending.reduce((n, p) => n + p.todo.length, 0);
  io.stderr.write(
    remaining < total
      ? `arbor eval: resuming ${values.out}: ${total - remaining} of ${total} results there, ${remaining} to run\n`
      : `arbor eval: ${configs.length} configurations x ${entries.length} problems into ${values.out}\n`,
  );

  if (asJob) {
    await runAsJob({ folder, configs, entries, values, server: server!, deadlineMs, task, io, remaining, total });
    return writeReport(values.out, task, configs, entries.length, folder, io);
  }

  const searcher: Searcher = server
    ? remoteSearcher(server, (deadlineMs ?? 600_000) + 5_000, readConnection(values, io.env))
    : localSearcher(io.env);
  // Ctrl-C: what finished is on disk already; say how to go on, and stop at once.
  const onSigint = () => {
    io.stderr.write(`\narbor eval: interrupted; the results so far are in ${values.out}: run the same command to resume\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  try {
    for (const { config, todo } of pending) {
      if (todo.length === 0) continue;
      io.stderr.write(`${config.name}: ${todo.length} to run\n`);
      const progress = progressBar(io.stderr, todo.length);
      await pool(todo, concurrency, async ({ entry, index }) => {
        const result = await searcher.search({
          problem: entry.problem,
          ...algorithmOneof(config.algo, config.params),
          budget: budgetOf(config, deadlineMs),
          seed: String(config.seed + index),
        });
        if (values['save-trees'] === true) {
          const nodes = await searcher.tree(result.searchId);
          folder.saveTree(config.name, entry.problem.id, { search_id: result.searchId, problem_id: entry.problem.id, config: config.name, nodes: nodes.map(nodeJson) });
        }
        folder.append(resultLine(config, entry, result));
        progress.tick(entry.label);
      });
      progress.done();
    }
  } finally {
    process.off('SIGINT', onSigint);
    await searcher.close();
  }

  return writeReport(values.out, task, configs, entries.length, folder, io);
}

/** report.json, report.md and the plots, worked out from the results files alone; the table on stdout. */
function writeReport(out: string, task: string, configs: readonly EvalConfig[], problems: number, folder: RunFolder, io: CliIO): number {
  const results = new Map(configs.map((c) => [c.name, [...folder.results(c.name).values()]]));
  const report = buildReport(configs, results);
  const table = reportTable(report);
  writeFileSync(join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(out, 'report.md'), `# arbor eval: ${task}, ${problems} problems\n\n\`\`\`\n${table}\n\`\`\`\n`);
  const svg = reportSvg(report, `accuracy vs generated tokens, ${task}, ${problems} problems`);
  writeFileSync(join(out, 'accuracy.svg'), svg);
  // The same plot as PNG, for places that show no SVG; drawn at twice the SVG's size, with the system's fonts.
  writeFileSync(join(out, 'accuracy.png'), new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render().asPng());
  io.stdout.write(`${table}\n`);
  return 0;
}

interface JobRunArgs {
  folder: RunFolder;
  configs: EvalConfig[];
  entries: ProblemEntry[];
  values: { out?: string; attach?: string; 'save-trees'?: boolean } & Parameters<typeof readConnection>[0];
  server: string;
  deadlineMs: number | undefined;
  task: string;
  io: CliIO;
  remaining: number;
  total: number;
}

/** Submits the grid as a job (or finds the one this folder or --attach names) and follows it into the folder. */
async function runAsJob(args: JobRunArgs): Promise<void> {
  const { folder, configs, entries, values, server, io } = args;
  const connection = readConnection(values, io.env);
  const client = jobClient(server, connection);
  const searcher = values['save-trees'] === true ? remoteSearcher(server, 60_000, connection) : undefined;
  const recorded = recordedJob(folder);
  if (values.attach !== undefined && recorded !== undefined && recorded !== values.attach) {
    throw new UsageError(`--attach: ${values.out} follows job ${recorded}, not ${values.attach}; give another --out`);
  }
  // Ctrl-C: the job runs on; say how to follow it again.
  let jobId = values.attach ?? recorded;
  const onSigint = () => {
    io.stderr.write(`\narbor eval: stopped following${jobId ? ` job ${jobId}` : ''}; it goes on on the server. The same command follows it on\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  try {
    const request = submitRequest(`arbor eval ${args.task} ${basename(values.out!)}`, configs, entries, args.deadlineMs);
    const submitted = (job: Job__Output) =>
      io.stderr.write(`arbor eval: job ${job.jobId} submitted: ${job.configurations.length} configurations x ${job.problems} problems; following it (Ctrl-C stops following, not the job)\n`);
    if (jobId === undefined) {
      const job = await submitJob(folder, client, server, request);
      jobId = job.jobId;
      submitted(job);
    } else {
      // The folder names a job the server does not know: its submission never arrived (or was taken back). Sent
      // again under the same id; an --attach of an unknown job is the user's mistake, said as NOT_FOUND.
      const known = await client.get(jobId).catch((err: unknown) => {
        if (values.attach === undefined && err instanceof ArborError && err.kind === 'not_found') return undefined;
        throw err;
      });
      if (known) {
        checkJobMatches(known, configs, entries.length);
        io.stderr.write(`arbor eval: following job ${jobId} (${known.answered} of ${known.total} answered, ${args.total - args.remaining} in ${values.out})\n`);
      } else {
        submitted(await client.submit({ ...request, jobId }));
      }
    }
    const last = await followJob(jobId, { folder, client, ...(searcher && { searcher }), configs, entries, io });
    if (last.state === 'JOB_STATE_CANCELLED') io.stderr.write(`arbor eval: job ${jobId} was cancelled after ${last.answered} of ${last.total} results; the report covers those\n`);
  } finally {
    process.off('SIGINT', onSigint);
    client.close();
    await searcher?.close();
  }
}
