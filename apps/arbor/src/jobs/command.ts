// `arbor jobs`: the durable jobs of a running orchestrator (submitted by `arbor eval --job`): list them, show one,
// cancel one. Following a job's results into a run folder is `arbor eval --attach`.
import type { Job__Output } from '@arbor/contracts';
import { JOB_ID_PATTERN } from '@arbor/contracts';
import { integerFlag, parseFlags } from '../cli/args.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, readConnection } from '../cli/connection.js';
import type { CliIO } from '../cli/io.js';
import { jobClient } from '../cli/job-client.js';
import { didYouMean } from '../cli/suggest.js';
import { renderTable } from '../cli/table.js';
import { UsageError } from '../cli/usage-error.js';

const ACTIONS = ['list', 'show', 'cancel'] as const;

export const JOBS_FLAGS = {
  server: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  ...CONNECTION_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

export const JOBS_HELP = `Usage: arbor jobs list --server HOST:PORT [--limit N]
       arbor jobs show JOB --server HOST:PORT
       arbor jobs cancel JOB --server HOST:PORT

The durable jobs of the orchestrators behind --server (submitted with arbor eval --job): yours only, newest
first. cancel drops the problems not started and stops the running ones; results already in are kept. Follow a
job's results into a run folder with arbor eval --attach JOB and the dataset flags that submitted it.

Options:
  --server HOST:PORT   the orchestrator (required)
  --limit N            list at most N jobs (default 100)
  --json               one JSON object per job instead of a table
${CONNECTION_HELP}`;

const STATE = { JOB_STATE_RUNNING: 'running', JOB_STATE_DONE: 'done', JOB_STATE_CANCELLED: 'cancelled', JOB_STATE_UNSPECIFIED: '?' } as const;

function row(job: Job__Output): string[] {
  const created = new Date(Number(job.createdUnixMs)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return [job.jobId, STATE[job.state as keyof typeof STATE] ?? '?', `${job.answered}/${job.total}`, String(job.configurations.length), String(job.problems), created, job.name];
}

export async function jobsCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(args, JOBS_FLAGS, true);
  if (values.help) {
    io.stdout.write(JOBS_HELP);
    return 0;
  }
  const [action, jobId, ...extra] = positionals;
  if (action === undefined) throw new UsageError(`give an action: ${ACTIONS.join(', ')} (arbor jobs --help)`);
  if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`unknown action "${action.slice(0, 32)}"${didYouMean(action, ACTIONS)}; known: ${ACTIONS.join(', ')}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]!.slice(0, 32)}"`);
  if (action !== 'list' && (jobId === undefined || !JOB_ID_PATTERN.test(jobId))) throw new UsageError(`${action}: give the job id (arbor jobs list shows them)`);
  if (values.server === undefined) throw new UsageError('--server HOST:PORT is required: the orchestrator that runs the jobs');
  const limit = integerFlag('limit', values.limit, 1, 1_000);
  const client = jobClient(values.server, readConnection(values, io.env));
  try {
    const jobs = action === 'list' ? await client.list(limit ?? 0) : [action === 'show' ? await client.get(jobId!) : await client.cancel(jobId!)];
    if (values.json === true) {
      for (const job of jobs) io.stdout.write(`${JSON.stringify(job)}\n`);
    } else if (jobs.length === 0) {
      io.stderr.write('no jobs\n');
    } else {
      io.stdout.write(`${renderTable(['job', 'state', 'answered', 'configs', 'problems', 'created', 'name'], jobs.map(row))}\n`);
    }
    return 0;
  } finally {
    client.close();
  }
}
