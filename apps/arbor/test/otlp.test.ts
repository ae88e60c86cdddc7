// The real thing across processes: policy (gRPC), value and two reward replicas (NATS queue groups), the
// orchestrator and the `arbor solve` client, each its own `arbor` process configured only by OTEL_* variables,
// exporting OTLP/HTTP (JSON) to a receiver this test runs. One search must arrive as one trace spanning every
// process, with the right service.name on every span, the tree's totals equal to what the CLI printed, the
// metrics exported, and no problem or step text in any span or log line. Also: the Prometheus scrape endpoint.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTR, checkHealth, freePort, localNats, METRIC, sleep, type LocalNats } from '@arbor/kit';
import { getTask } from '@arbor/tasks';
import { testNamespace, waitForResponders } from './nats-helpers.js';
import { checkSearchTrace, expectNoText, fromOtlpJson, type OtlpTraces, type SpanRecord } from '@arbor/testing/trace-spans';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));
// The problem text that must never be exported or logged.
const PUZZLE = '2 7 8 11';

/** A tiny OTLP/HTTP receiver: keeps every JSON body posted to /v1/traces and /v1/metrics. */
interface Receiver {
  url: string;
  traces: OtlpTraces[];
  metrics: OtlpMetrics[];
  close(): Promise<void>;
}

interface OtlpMetricPoint {
  attributes?: Array<{ key: string; value: { stringValue?: string } }>;
  count?: string | number;
  sum?: number;
  asInt?: string | number;
  asDouble?: number;
}
interface OtlpMetric {
  name: string;
  unit?: string;
  histogram?: { dataPoints: OtlpMetricPoint[] };
  sum?: { dataPoints: OtlpMetricPoint[] };
}
interface OtlpMetrics {
  resourceMetrics?: Array<{
    resource?: { attributes?: Array<{ key: string; value: { stringValue?: string } }> };
    scopeMetrics?: Array<{ metrics?: OtlpMetric[] }>;
  }>;
}

async function startReceiver(): Promise<Receiver> {
  const traces: OtlpTraces[] = [];
  const metrics: OtlpMetrics[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.url === '/v1/traces') traces.push(JSON.parse(body) as OtlpTraces);
      else if (req.url === '/v1/metrics') metrics.push(JSON.parse(body) as OtlpMetrics);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    traces,
    metrics,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The environment of a process under test: ours, less any OTEL_* of the machine, plus `extra`. */
function envWith(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('OTEL_')) env[key] = value;
  return { ...env, ...extra };
}

interface Proc {
  name: string;
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(name: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { name, child, stderr: () => stderr, exited };
}

async function listeningAddress(proc: Proc): Promise<string> {
  for (let i = 0; i < 600; i++) {
    const match = /"address":"(127\.0\.0\.1:\d+)".*gRPC server listening/.exec(proc.stderr());
    if (match) return match[1]!;
    await sleep(50);
  }
  throw new Error(`${proc.name}: no listening line in ${proc.stderr()}`);
}

async function stop(proc: Proc): Promise<number | null> {
  proc.child.kill('SIGTERM');
  return proc.exited;
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const serviceOf = (s: SpanRecord) => String(s.resource['service.name']);
const instanceOf = (s: SpanRecord) => String(s.resource['service.instance.id']);

describe('one search across five processes, exported over OTLP/HTTP', () => {
  let nats: LocalNats;
  let receiver: Receiver;
  const procs: Proc[] = [];
  let out: {
    trace_id: string;
    search_id: string;
    answer: string;
    steps: string[];
    stop_reason: string;
    stats: { expansions: number; nodes: number; model_calls: number; input_tokens: number; output_tokens: number; cost_usd: number };
  };
  let cliStderr = '';

  beforeAll(async () => {
    nats = await localNats();
    receiver = await startReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'arbor-otlp-'));
    const pricesFile = join(dir, 'prices.json');
    // Embedded backends priced as if they were paid models, through the file this time.
    writeFileSync(
      pricesFile,
      JSON.stringify({
        policy: { embedded: { '*': { input_per_mtok: 0.15, output_per_mtok: 0.6 } } },
        value: { embedded: { '*': { per_call: 0.00002 } } },
        reward: { embedded: { 'embedded/countdown-reward': { input_per_mtok: 0.05 } } },
      }),
    );
    const namespace = testNamespace();
    const env = envWith({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      LOG_LEVEL: 'debug',
      NATS_URL: nats.url,
      ARBOR_NATS_NAMESPACE: namespace,
      ARBOR_PRICES_FILE: pricesFile,
      ARBOR_SHUTDOWN_GRACE_MS: '1000',
    });
    const policy = start('policy', ['serve', 'policy', '--listen', '127.0.0.1:0'], env);
    procs.push(policy);
    procs.push(start('value', ['serve', 'value', '--listen', '127.0.0.1:0'], env));
    procs.push(start('reward-1', ['serve', 'reward', '--listen', '127.0.0.1:0'], env));
    procs.push(start('reward-2', ['serve', 'reward', '--listen', '127.0.0.1:0'], env));
    const policyAddress = await listeningAddress(policy);
    const orchestrator = start(
      'orchestrator',
      ['serve', 'orchestrator', '--listen', '127.0.0.1:0'],
      { ...env, ARBOR_POLICY_TRANSPORT: 'grpc', ARBOR_POLICY_ADDRESS: policyAddress, ARBOR_VALUE_TRANSPORT: 'nats', ARBOR_REWARD_TRANSPORT: 'nats' },
    );
    procs.push(orchestrator);
    const address = await listeningAddress(orchestrator);
    await waitForResponders(nats.url, namespace, ['evaluate', 'score']);
    for (let i = 0; (await checkHealth(address).catch(() => 'UNKNOWN')) !== 'SERVING'; i++) {
      if (i > 200) throw new Error('orchestrator never became SERVING');
      await sleep(50);
    }
    // Both reward replicas must have subscribed before the search, or one could sit the search out.
    for (const name of ['reward-1', 'reward-2']) {
      const proc = procs.find((p) => p.name === name)!;
      for (let i = 0; !proc.stderr().includes('serving on NATS'); i++) {
        if (i > 400) throw new Error(`${name} never served on NATS`);
        await sleep(50);
      }
    }

    const solved = await run(['solve', '--numbers', PUZZLE, '--server', address, '--json', '--seed', '5'], env);
    cliStderr = solved.stderr;
    expect(solved.code, solved.stderr).toBe(0);
    out = JSON.parse(solved.stdout) as typeof out;
    // SIGTERM flushes each SDK before the process exits.
    const codes = await Promise.all(procs.map(stop));
    expect(Object.fromEntries(procs.map((p, i) => [p.name, codes[i]]))).toEqual(Object.fromEntries(procs.map((p) => [p.name, 0])));
  }, 120_000);

  afterAll(async () => {
    for (const proc of procs) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await receiver?.close();
    await nats?.stop();
  });

  const allSpans = () => receiver.traces.flatMap(fromOtlpJson);

  it('arrives as one trace holding the whole tree, with the totals the CLI printed', () => {
    expect(getTask('countdown').verifyAnswer({ task: 'countdown', question: PUZZLE, params: { target: '24' } }, out.answer)).toBe(true);
    expect(out.stats.cost_usd).toBeGreaterThan(0);
    const spans = allSpans();
    const searchTraces = new Set(spans.filter((s) => s.name === 'search').map((s) => s.traceId));
    expect([...searchTraces]).toEqual([out.trace_id]);
    // Every span about a model call of the search (client, producer, server, consumer) is in that trace.
    const callSpans = spans.filter((s) => /^(propose|evaluate|score)-\d+$/.test(String(s.attributes[ATTR.callId] ?? '')));
    expect(callSpans.length).toBeGreaterThan(0);
    expect(new Set(callSpans.map((s) => s.traceId))).toEqual(new Set([out.trace_id]));

    checkSearchTrace(
      spans,
      {
        searchId: out.search_id,
        traceId: out.trace_id,
        nodes: out.stats.nodes,
        expansions: out.stats.expansions,
        modelCalls: out.stats.model_calls,
        inputTokens: out.stats.input_tokens,
        outputTokens: out.stats.output_tokens,
        costUsd: out.stats.cost_usd,
        stopReason: out.stop_reason,
      },
      { policy: 'grpc', value: 'nats', reward: 'nats' },
    );
  });

  it('names the process of every span: each service, and both reward replicas', () => {
    const tree = allSpans().filter((s) => s.traceId === out.trace_id);
    const services = (pred: (s: SpanRecord) => boolean) => new Set(tree.filter(pred).map(serviceOf));
    expect(services((s) => s.name === 'search' || s.kind === 'client' || s.kind === 'producer')).toEqual(new Set(['arbor-orchestrator']));
    expect(services((s) => s.name === 'arbor.v1.PolicyService/Propose')).toEqual(new Set(['arbor-policy']));
    expect(services((s) => s.kind === 'consumer' && s.name.endsWith('.evaluate'))).toEqual(new Set(['arbor-value']));
    const rewards = tree.filter((s) => s.kind === 'consumer' && s.name.endsWith('.score'));
    expect(new Set(rewards.map(serviceOf))).toEqual(new Set(['arbor-reward']));
    expect(new Set(rewards.map(instanceOf)).size, 'calls spread over both reward replicas').toBe(2);
  });

  it('exports the metrics: cost per tree, token usage, call duration, searches by stop reason', () => {
    const orchestratorMetrics = receiver.metrics
      .flatMap((m) => m.resourceMetrics ?? [])
      .filter((rm) => rm.resource?.attributes?.some((a) => a.key === 'service.name' && a.value.stringValue === 'arbor-orchestrator'));
    expect(orchestratorMetrics.length).toBeGreaterThan(0);
    // Cumulative: the last export holds everything.
    const last = orchestratorMetrics[orchestratorMetrics.length - 1]!;
    const byName = new Map((last.scopeMetrics ?? []).flatMap((s) => s.metrics ?? []).map((m) => [m.name, m] as const));
    const cost = byName.get(METRIC.treeCost)?.histogram?.dataPoints ?? [];
    expect(cost.reduce((n, p) => n + Number(p.count ?? 0), 0)).toBe(1);
    expect(cost[0]?.sum).toBeCloseTo(out.stats.cost_usd, 12);
    const searches = byName.get(METRIC.searches)?.sum?.dataPoints ?? [];
    expect(searches.map((p) => [p.attributes?.find((a) => a.key === ATTR.treeStopReason)?.value.stringValue, Number(p.asInt ?? p.asDouble)])).toEqual([
      [out.stop_reason, 1],
    ]);
    const tokens = byName.get(METRIC.tokenUsage)?.histogram?.dataPoints ?? [];
    const inputTokens = tokens
      .filter((p) => p.attributes?.some((a) => a.key === ATTR.genAiTokenType && a.value.stringValue === 'input'))
      .reduce((n, p) => n + Number(p.sum ?? 0), 0);
    // Every reply's tokens are metered, including replies the search no longer counted.
    expect(inputTokens).toBeGreaterThanOrEqual(out.stats.input_tokens);
    expect(byName.get(METRIC.modelCallDuration)?.unit).toBe('s');
  });

  it('puts no problem, step or answer text on any span or in any log line, and trace ids in the lines', () => {
    const texts = [PUZZLE, 'left:', out.answer, ...out.steps];
    expectNoText(allSpans(), texts);
    const logs = procs.map((p) => p.stderr()).join('') + cliStderr;
    for (const text of texts) expect(logs.includes(text), `"${text}" in a log line`).toBe(false);
    const lines = logs
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const finished = lines.find((l) => l.msg === 'search finished');
    expect(finished?.trace_id).toBe(out.trace_id);
    for (const line of lines.filter((l) => 'trace_id' in l && l.msg !== 'search finished')) expect(line).toHaveProperty('span_id');
  });
});

describe('the Prometheus scrape endpoint', () => {
  it('serves the search metrics when OTEL_METRICS_EXPORTER=prometheus', async () => {
    const port = await freePort();
    const env = envWith({
      OTEL_METRICS_EXPORTER: 'prometheus',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      LOG_LEVEL: 'info',
    });
    const server = start('all', ['serve', 'all', '--listen', '127.0.0.1:0', '--gateway-listen', '127.0.0.1:0'], env);
    try {
      const address = await listeningAddress(server);
      const solved = await run(['solve', '--numbers', '4 9 10 13', '--server', address, '--json'], envWith({}));
      expect(solved.code, solved.stderr).toBe(0);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^arbor_tree_cost_usd\w*_count\{[^}]*arbor_tree_stop_reason="solved"[^}]*\} 1$/m);
      expect(text).toMatch(/^arbor_searches\w*\{[^}]*arbor_tree_stop_reason="solved"[^}]*\} 1$/m);
      expect(text).toMatch(/^gen_ai_client_token_usage\w*_bucket\{[^}]*gen_ai_token_type="input"/m);
      expect(text).toMatch(/^arbor_model_call_duration\w*_count\{[^}]*arbor_service="reward"/m);
    } finally {
      expect(await stop(server)).toBe(0);
    }
  });
});

describe('flushing on exit', () => {
  // Batches that would not be sent for a minute: only the flush at exit can deliver them.
  const lazy = (receiver: Receiver) =>
    envWith({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '60000',
      OTEL_METRIC_EXPORT_INTERVAL: '60000',
      // Info, for the server's "listening" line.
      LOG_LEVEL: 'info',
    });

  it('arbor solve exports its tree before it exits', async () => {
    const receiver = await startReceiver();
    try {
      const solved = await run(['solve', '--numbers', '4 9 10 13', '--json'], lazy(receiver));
      expect(solved.code, solved.stderr).toBe(0);
      const traceId = (JSON.parse(solved.stdout) as { trace_id: string }).trace_id;
      const search = receiver.traces.flatMap(fromOtlpJson).find((s) => s.name === 'search');
      expect(search?.traceId).toBe(traceId);
      expect(search?.resource['service.name']).toBe('arbor');
      expect(receiver.metrics.length).toBeGreaterThan(0);
    } finally {
      await receiver.close();
    }
  });

  it('arbor serve exports what it still holds when it is stopped', async () => {
    const receiver = await startReceiver();
    const server = start('all', ['serve', 'all', '--listen', '127.0.0.1:0', '--gateway-listen', '127.0.0.1:0'], lazy(receiver));
    try {
      const address = await listeningAddress(server);
      const solved = await run(['solve', '--numbers', '4 9 10 13', '--server', address, '--json'], envWith({}));
      expect(solved.code, solved.stderr).toBe(0);
      expect(receiver.traces).toHaveLength(0);
      expect(await stop(server)).toBe(0);
      const traceId = (JSON.parse(solved.stdout) as { trace_id: string }).trace_id;
      expect(receiver.traces.flatMap(fromOtlpJson).find((s) => s.name === 'search')?.traceId).toBe(traceId);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      await receiver.close();
    }
  });
});

describe('the bundle', () => {
  it('loads telemetry first with node --import dist/telemetry.mjs, as the image does', async () => {
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    // A directory of its own under dist/, so this never races the build test's dist/arbor.mjs.
    const outdir = `dist/otlp-test-${process.pid}`;
    execFileSync(process.execPath, ['scripts/build.mjs', '--outdir', outdir], { cwd: packageDir, stdio: 'pipe' });
    const receiver = await startReceiver();
    try {
      const solved = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', join(packageDir, outdir, 'telemetry.mjs'), join(packageDir, outdir, 'arbor.mjs'), 'solve', '--numbers', '4 9 10 13', '--json'],
          { env: envWith({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_METRICS_EXPORTER: 'none' }) },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      expect(solved.code, solved.stderr).toBe(0);
      const traceId = (JSON.parse(solved.stdout) as { trace_id: string }).trace_id;
      const spans = receiver.traces.flatMap(fromOtlpJson);
      expect(spans.find((s) => s.name === 'search')?.traceId).toBe(traceId);
      expect(spans.filter((s) => s.kind === 'client').length).toBeGreaterThan(0);
      expect(receiver.metrics).toHaveLength(0);
    } finally {
      await receiver.close();
      rmSync(join(packageDir, outdir), { recursive: true, force: true });
    }
  });
});
