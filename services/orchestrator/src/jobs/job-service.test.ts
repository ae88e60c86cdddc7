// SubmitJob's checks, before anything is queued: each refusal names the field of the job that holds the fault.
// JetStream is a recording fake here; the real thing runs in apps/arbor/test/jobs.test.ts.
import { describe, expect, it } from 'vitest';
import type { JetStreamResources } from '../cluster/jetstream.js';
import { arborV1, type SubmitJobRequest, type SubmitJobRequest__Output } from '@arbor/contracts';
import { silent } from '@arbor/testing';
import { SearchRunner } from '../search-runner.js';
import type { ModelTransports } from '../transport/types.js';
import { decodeWork } from './job-codec.js';
import type { JobRecords } from './job-records.js';
import { JobService } from './job-service.js';

const codec = arborV1().JobService.service.SubmitJob;
const decoded = (request: SubmitJobRequest) => codec.requestDeserialize(codec.requestSerialize(request)) as SubmitJobRequest__Output;
const runner = new SearchRunner({ transports: {} as Omit<ModelTransports, 'close'>, logger: silent });
const principal = { tenant: 'acme', via: 'token' as const, limits: { maxTokens: 1_000 } };

function countdown(id: string, question = '4 9 10 13') {
  return { id, task: 'countdown', question, params: { target: '24' } };
}

function attached(): { service: JobService; published: Array<{ subject: string; msgID: string; data: Uint8Array }>; records: unknown[] } {
  const published: Array<{ subject: string; msgID: string; data: Uint8Array }> = [];
  const records: unknown[] = [];
  const service = new JobService(runner, true);
  const resources = {
    js: { publish: async (subject: string, data: Uint8Array, options: { msgID: string }) => published.push({ subject, msgID: options.msgID, data }) },
    jsm: { consumers: { add: async () => ({ name: 'c', num_pending: 0 }), delete: async () => true } },
    names: { resultsStream: 'R', workStream: 'W' },
    subjects: { work: 'arbor.v1.jobs.work', results: 'arbor.v1.jobs.results', cancelJob: 'arbor.v1.jobs.cancel' },
  } as unknown as JetStreamResources;
  const stored = new Map<string, { id: string }>();
  const fakeRecords = {
    put: async (record: { id: string }) => {
      records.push(record);
      stored.set(record.id, record);
    },
    get: async (id: string) => stored.get(id),
  };
  service.attach({} as never, resources, fakeRecords as unknown as JobRecords);
  return { service, published, records };
}

const GOOD: SubmitJobRequest = {
  name: 'grid',
  configurations: [
    { name: 'bon.steps-8.seed-1', search: { bestOfN: { n: 4 }, budget: { maxExpansions: 8 }, seed: '1' } },
    { name: 'mcts.steps-8.seed-1', search: { mcts: {}, budget: { maxExpansions: 8 }, seed: '1' } },
  ],
  problems: [countdown('a'), countdown('b', '1 1 4 6')],
};

describe('SubmitJob', () => {
  it('queues one work message per (configuration, problem), with its item as de-duplication id, and records the job as its tenant', async () => {
    const { service, published, records } = attached();
    const job = await service.submit(principal, decoded(GOOD));
    expect(job).toMatchObject({ state: 'JOB_STATE_RUNNING', total: 4, answered: 0, problems: 2, configurations: ['bon.steps-8.seed-1', 'mcts.steps-8.seed-1'] });
    expect(published.map((p) => p.msgID)).toEqual([0, 1].flatMap((c) => [0, 1].map((p) => `${job.jobId}.${c}.${p}`)));
    expect(published.every((p) => p.subject === `arbor.v1.jobs.work.${p.msgID}`)).toBe(true);
    expect(decodeWork(published[3]!.data)).toMatchObject({ searchId: `${job.jobId}.1.1`, seed: '2', algorithm: 'mcts', problem: { id: 'b' } });
    expect(records[0]).toMatchObject({ id: job.jobId, tenant: 'acme', via: 'token', limits: { maxTokens: 1_000 }, problems: 2, cancelledUnixMs: 0 });
  });

  it.each([
    ['no configuration', { ...GOOD, configurations: [] }, 'configurations: give 1 to 1000, got 0'],
    ['no problem', { ...GOOD, problems: [] }, 'problems: give 1 to 100000, got 0'],
    ['a bad configuration name', { ...GOOD, configurations: [{ ...GOOD.configurations![0]!, name: 'a b' }] }, 'configurations[0].name: must be 1 to 128'],
    ['a configuration name twice', { ...GOOD, configurations: [GOOD.configurations![0]!, GOOD.configurations![0]!] }, 'configurations[1].name: is the name of an earlier configuration'],
    ['a problem without id', { ...GOOD, problems: [countdown('')] }, 'problems[0].id: is required'],
    ['a problem id twice', { ...GOOD, problems: [countdown('a'), countdown('a')] }, 'problems[1].id: is the id of an earlier problem'],
    ['a problem its task refuses', { ...GOOD, problems: [countdown('a'), countdown('b', 'four nine')] }, 'problems[1]: problem.question'],
    ['a budget over the tenant limit', { ...GOOD, configurations: [{ name: 'c', search: { mcts: {}, budget: { maxTokens: 5_000 } } }] }, 'configurations[0].search: budget.max_tokens'],
  ])('refuses %s with INVALID_ARGUMENT naming the field, and queues nothing', async (_, request, message) => {
    const { service, published, records } = attached();
    const refusal = await service.submit(principal, decoded(request)).catch((err: unknown) => err);
    expect(refusal).toMatchObject({ kind: 'invalid_argument' });
    expect((refusal as Error).message).toContain(message);
    expect(published).toHaveLength(0);
    expect(records).toHaveLength(0);
  });

  it('a job id of the caller: sent again, the same job, queued once; another tenant\'s id is ALREADY_EXISTS', async () => {
    const { service, published } = attached();
    const first = await service.submit(principal, decoded({ ...GOOD, jobId: 'my-run-1' }));
    expect(first.jobId).toBe('my-run-1');
    const again = await service.submit(principal, decoded({ ...GOOD, jobId: 'my-run-1' }));
    expect(again.jobId).toBe('my-run-1');
    expect(published).toHaveLength(4);
    const other = await service.submit({ ...principal, tenant: 'globex' }, decoded({ ...GOOD, jobId: 'my-run-1' })).catch((err: unknown) => err);
    expect(other).toMatchObject({ kind: 'already_exists', message: expect.stringContaining('job_id') });
    const bad = await service.submit(principal, decoded({ ...GOOD, jobId: 'no spaces' })).catch((err: unknown) => err);
    expect(bad).toMatchObject({ kind: 'invalid_argument', message: expect.stringContaining('job_id') });
  });

  it('refuses a job whose problems times configurations exceed the queue bytes one job may take', async () => {
    const { service, published } = attached();
    const big = 'x'.repeat(60_000);
    const request = { ...GOOD, configurations: Array.from({ length: 1_000 }, (_, i) => ({ name: `c${i}`, search: { mcts: {} } })), problems: Array.from({ length: 5 }, (_, i) => ({ ...countdown(`p${i}`), params: { target: '24', note: big } })) };
    const refusal = await service.submit(principal, decoded(request)).catch((err: unknown) => err);
    expect(refusal).toMatchObject({ kind: 'invalid_argument', message: expect.stringMatching(/^problems: .* MiB; at most 256 MiB a job/) });
    expect(published).toHaveLength(0);
  });

  it('without ARBOR_JOBS=on every call is FAILED_PRECONDITION saying how to turn jobs on; with it but no JetStream yet, UNAVAILABLE', async () => {
    const off = await new JobService(runner, false).submit(principal, decoded(GOOD)).catch((err: unknown) => err);
    expect(off).toMatchObject({ kind: 'failed_precondition', message: expect.stringContaining('ARBOR_JOBS=on') });
    const notYet = await new JobService(runner, true).list('acme', 0).catch((err: unknown) => err);
    expect(notYet).toMatchObject({ kind: 'unavailable' });
    const badId = await attached().service.get('acme', 'no such id!').catch((err: unknown) => err);
    expect(badId).toMatchObject({ kind: 'invalid_argument', message: 'job_id: is not a job id' });
  });
});
