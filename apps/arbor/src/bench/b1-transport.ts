// B1 transport tax (bench/README.md): Arbor's NATS and gRPC model paths against raw request/reply on the same
// transports, 256-byte messages each way, client and responder in this process. Round trips are timed at one
// call in flight (p50, p99) and counted at 64 in flight (req/s); baseline and Arbor alternate round by round
// so drift on a shared machine hits both alike.
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { arborV1, type ProposeRequest, type ProposeResponse, type ProposeResponse__Output } from '@arbor/contracts';
import type { Logger } from '@arbor/kit';
import { ProposeHandler, servePolicyOnNats, startPolicyServer, type PolicyBackend } from '@arbor/policy';
import { latencyLoop, throughputLoop, type RoundTrip } from './loops.js';
import type { BenchNats } from './nats-env.js';
import { atLeast, atMost, describeMachine, fixed, metMark, type Machine, type TargetedRatio } from './report.js';
import { renderTable } from '../cli/table.js';
import { meterResources } from './resources.js';
import { mean, median, percentile, round } from './stats.js';
import { DEFAULT_RETRY, grpcPolicyTransport, NatsLink, natsPolicyTransport, type UnaryTransport } from '@arbor/orchestrator/parts';

export const PAYLOAD_BYTES = 256;

export interface B1Settings {
  /** Alternating baseline/Arbor rounds; each case's samples are pooled over them. */
  rounds: number;
  latencyCallsPerRound: number;
  throughputCallsPerRound: number;
  inFlight: number;
  /** Calls at 1 and at `inFlight` in flight before anything is timed (JIT, connections, buffers). */
  warmupCalls: number;
  /** Cap on each measuring loop. */
  loopTimeLimitMs: number;
  /** Per-call timeout / deadline. */
  callTimeoutMs: number;
  /** Calls a responder works on at once; above `inFlight`, so nothing is refused and retried. */
  responderMaxInFlight: number;
}

// Several short alternating rounds rather than one long one per case: on a shared 2-core machine throughput
// can halve for seconds at a time, and interleaving spreads such spells over both sides of each ratio.
export const B1_FULL: B1Settings = {
  rounds: 6,
  latencyCallsPerRound: 1_000,
  throughputCallsPerRound: 5_000,
  inFlight: 64,
  warmupCalls: 1_000,
  loopTimeLimitMs: 30_000,
  callTimeoutMs: 5_000,
  responderMaxInFlight: 128,
};

export const B1_QUICK: B1Settings = {
  ...B1_FULL,
  rounds: 1,
  latencyCallsPerRound: 200,
  throughputCallsPerRound: 1_000,
  warmupCalls: 200,
  loopTimeLimitMs: 5_000,
};

export const B1_TARGETS = { p50: 1.1, throughput: 0.9 } as const;

type CaseId = 'natsRaw' | 'natsArbor' | 'grpcRaw' | 'grpcArbor';

const LABELS: Record<CaseId, string> = {
  natsRaw: 'raw NATS',
  natsArbor: 'Arbor NATS',
  grpcRaw: 'raw gRPC',
  grpcArbor: 'Arbor gRPC',
};

interface BenchCase {
  id: CaseId;
  call: RoundTrip;
  /** Counts that show whether the numbers are valid (retries, refusals); empty for the raw baselines. */
  health?: () => Record<string, number>;
  close(): Promise<void>;
}

export interface CaseResult {
  label: string;
  latency: { p50Ms: number; p99Ms: number; meanMs: number; reqPerSec: number; samples: number };
  throughput: { inFlight: number; reqPerSec: number; perRoundReqPerSec: number[]; requests: number };
  /** Process CPU time (client and responder together) per measured call. */
  cpuUsPerOp: number;
  maxRssKb: number;
  /** A loop hit its time limit before its count. */
  timedOut: boolean;
  /** Over the whole case, warm-up included: any retry or refusal means the path was overloaded, not just slow. */
  health?: Record<string, number>;
}

export interface B1Result {
  benchmark: 'B1';
  title: string;
  timestamp: string;
  quick: boolean;
  machine: Machine;
  nats: { url: string; source: string };
  parameters: B1Settings & { payloadBytes: number; arborRequestBytes: number; arborResponseBytes: number; notes: string[] };
  results: Record<CaseId, CaseResult>;
  ratios: { natsP50: TargetedRatio; natsThroughput: TargetedRatio; grpcP50: TargetedRatio; grpcThroughput: TargetedRatio };
  /** Ratios with no target in the spec, for information. */
  info: { natsP99: number; grpcP99: number };
}

// What the orchestrator sends on every model call (SearchRunner starts a trace per search).
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const CALL_ID_WIDTH = 10;

/** The shortest padding that makes `encode(pad)` at least `target` bytes. */
function padTo(target: number, encode: (pad: string) => Buffer): string {
  for (let n = 0; n <= target; n++) {
    const pad = 'x'.repeat(n);
    if (encode(pad).length >= target) return pad;
  }
  throw new Error(`cannot pad a message to ${target} bytes`);
}

/** A Propose request and reply of PAYLOAD_BYTES each on the wire, so Arbor moves what the raw echo moves. */
function arborMessages(): { request: (callId: string) => ProposeRequest; response: () => ProposeResponse; requestBytes: number; responseBytes: number } {
  const method = arborV1().PolicyService.service.Propose;
  const sampleId = 'b1-'.padEnd(CALL_ID_WIDTH, '0');
  const requestWith = (question: string, callId: string): ProposeRequest => ({
    problem: { task: 'bench', question, params: {} },
    prefix: { steps: [] },
    numCandidates: 1,
    sampling: { seed: '1' },
    callId,
  });
  const question = padTo(PAYLOAD_BYTES, (pad) => method.requestSerialize(requestWith(pad, sampleId)));
  // The backend leaves computeMs to the handler, which fills it in; sizing with a placeholder value makes the
  // padded reply the size the wire will carry.
  const responseWith = (text: string, computeMs?: number): ProposeResponse => ({
    candidates: [{ step: { text, logprob: -0.5, tokens: 16 }, terminal: true, answer: '42' }],
    usage: { inputTokens: 64, outputTokens: 16, calls: 1, model: 'bench/fixed', ...(computeMs !== undefined && { computeMs }) },
  });
  const text = padTo(PAYLOAD_BYTES, (pad) => method.responseSerialize(responseWith(pad, 0.125)));
  return {
    request: (callId) => requestWith(question, callId),
    response: () => responseWith(text),
    requestBytes: method.requestSerialize(requestWith(question, sampleId)).length,
    responseBytes: method.responseSerialize(responseWith(text, 0.125)).length,
  };
}

function fixedPolicy(response: () => ProposeResponse): PolicyBackend {
  return { name: 'bench-fixed', propose: async () => response() };
}

/** Drives an Arbor transport as the search's gateway does: a fresh AbortSignal and a deadline per call. */
function arborCall(
  transport: UnaryTransport<ProposeRequest, ProposeResponse__Output>,
  request: (callId: string) => ProposeRequest,
  timeoutMs: number,
): { call: RoundTrip; retries: () => number } {
  let next = 0;
  let retries = 0;
  const call = async () => {
    const callId = `b1-${String(next++ % 10 ** (CALL_ID_WIDTH - 3)).padStart(CALL_ID_WIDTH - 3, '0')}`;
    const controller = new AbortController();
    const { response, attempts } = await transport(request(callId), { signal: controller.signal, deadline: Date.now() + timeoutMs, traceparent: TRACEPARENT });
    retries += attempts - 1;
    if (response.candidates.length !== 1) throw new Error(`Arbor reply carried ${response.candidates.length} candidates, expected 1`);
  };
  return { call, retries: () => retries };
}

function checkEcho(length: number): void {
  if (length !== PAYLOAD_BYTES) throw new Error(`echo reply is ${length} bytes, expected ${PAYLOAD_BYTES}`);
}

async function rawNatsCase(nats: BenchNats, payload: Uint8Array, timeoutMs: number): Promise<BenchCase> {
  const subject = `${nats.namespace}.b1.echo`;
  const subscription = nats.server.subscribe(subject, {
    callback: (err, msg) => {
      if (!err) msg.respond(msg.data);
    },
  });
  // The responder's SUB must reach the server before the first request, or that request finds no responders.
  await nats.server.flush();
  return {
    id: 'natsRaw',
    call: async () => checkEcho((await nats.client.request(subject, payload, { timeout: timeoutMs })).data.length),
    close: () => subscription.drain(),
  };
}

async function arborNatsCase(nats: BenchNats, logger: Logger, settings: B1Settings, messages: ReturnType<typeof arborMessages>): Promise<BenchCase> {
  const namespace = `${nats.namespace}.b1`;
  const responder = servePolicyOnNats({
    nc: nats.server,
    handler: new ProposeHandler(fixedPolicy(messages.response)),
    logger,
    maxInFlight: settings.responderMaxInFlight,
    namespace,
  });
  await nats.server.flush();
  const link = new NatsLink();
  link.set(nats.client);
  const t = settings.callTimeoutMs;
  const transport = natsPolicyTransport({ link, namespace, timeoutsMs: { propose: t, evaluate: t, score: t }, retry: DEFAULT_RETRY });
  const { call, retries } = arborCall(transport, messages.request, t);
  return {
    id: 'natsArbor',
    call,
    health: () => ({ retries: retries(), refused: responder.stats.refused, expired: responder.stats.expired, failed: responder.stats.failed }),
    close: () => responder.stop(1_000),
  };
}

const identity = (b: Buffer): Buffer => b;
const ECHO_PATH = '/arbor.bench.Echo/Echo';
// Bytes in, the same bytes out: the least a grpc-js unary call can do.
const ECHO_SERVICE: grpc.ServiceDefinition = {
  Echo: {
    path: ECHO_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

async function rawGrpcCase(payload: Buffer, timeoutMs: number): Promise<BenchCase> {
  const server = new grpc.Server();
  server.addService(ECHO_SERVICE, {
    Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    id: 'grpcRaw',
    // A deadline on the raw call too: Arbor sets one on every call, and so should any fair baseline.
    call: () =>
      new Promise<void>((resolve, reject) =>
        client.makeUnaryRequest(ECHO_PATH, identity, identity, payload, { deadline: Date.now() + timeoutMs }, (err, reply) => {
          if (err) reject(err);
          else {
            checkEcho(reply?.length ?? 0);
            resolve();
          }
        }),
      ),
    async close() {
      client.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}

async function arborGrpcCase(logger: Logger, settings: B1Settings, messages: ReturnType<typeof arborMessages>): Promise<BenchCase> {
  const server = await startPolicyServer({ address: '127.0.0.1:0', handler: new ProposeHandler(fixedPolicy(messages.response)), logger });
  const { transport, client } = grpcPolicyTransport({ address: server.address, timeoutMs: settings.callTimeoutMs, retry: DEFAULT_RETRY });
  const { call, retries } = arborCall(transport, messages.request, settings.callTimeoutMs);
  return {
    id: 'grpcArbor',
    call,
    health: () => ({ retries: retries() }),
    async close() {
      client.close();
      await server.shutdown(1_000);
    },
  };
}

interface Accumulated {
  latencySamples: number[];
  throughput: number[];
  requests: number;
  cpuMs: number;
  ops: number;
  maxRssKb: number;
  timedOut: boolean;
}

/** Measures a baseline and its Arbor counterpart in alternating order, round after round. */
async function measurePair(pair: [BenchCase, BenchCase], settings: B1Settings, progress: (line: string) => void): Promise<Record<string, CaseResult>> {
  for (const c of pair) {
    progress(`B1: warming up ${LABELS[c.id]}`);
    await latencyLoop(c.call, settings.warmupCalls, settings.loopTimeLimitMs);
    await throughputLoop(c.call, settings.warmupCalls, settings.inFlight, settings.loopTimeLimitMs);
  }
  const acc = new Map<CaseId, Accumulated>(
    pair.map((c) => [c.id, { latencySamples: [], throughput: [], requests: 0, cpuMs: 0, ops: 0, maxRssKb: 0, timedOut: false }]),
  );
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? pair : [pair[1], pair[0]];
    for (const c of order) {
      progress(`B1: round ${round + 1}/${settings.rounds}, ${LABELS[c.id]}`);
      const a = acc.get(c.id)!;
      const latencyMeter = meterResources();
      const latency = await latencyLoop(c.call, settings.latencyCallsPerRound, settings.loopTimeLimitMs);
      const latencyUse = latencyMeter.stop();
      const throughputMeter = meterResources();
      const throughput = await throughputLoop(c.call, settings.throughputCallsPerRound, settings.inFlight, settings.loopTimeLimitMs);
      const throughputUse = throughputMeter.stop();
      a.latencySamples.push(...latency.samplesMs);
      a.throughput.push(throughput.reqPerSec);
      a.requests += throughput.completed;
      a.cpuMs += latencyUse.cpuMs + throughputUse.cpuMs;
      a.ops += latency.samplesMs.length + throughput.completed;
      a.maxRssKb = throughputUse.maxRssKb;
      a.timedOut ||= latency.timedOut || throughput.timedOut;
    }
  }
  const results: Record<string, CaseResult> = {};
  for (const c of pair) {
    const a = acc.get(c.id)!;
    const meanMs = mean(a.latencySamples);
    results[c.id] = {
      label: LABELS[c.id],
      latency: {
        p50Ms: round(percentile(a.latencySamples, 50)),
        p99Ms: round(percentile(a.latencySamples, 99)),
        meanMs: round(meanMs),
        reqPerSec: round(1_000 / meanMs, 1),
        samples: a.latencySamples.length,
      },
      throughput: {
        inFlight: settings.inFlight,
        reqPerSec: round(median(a.throughput), 1),
        perRoundReqPerSec: a.throughput.map((x) => round(x, 1)),
        requests: a.requests,
      },
      cpuUsPerOp: round((a.cpuMs * 1_000) / a.ops, 2),
      maxRssKb: a.maxRssKb,
      timedOut: a.timedOut,
      ...(c.health && { health: c.health() }),
    };
  }
  return results;
}

export async function runB1(options: { nats: BenchNats; logger: Logger; quick: boolean; progress: (line: string) => void }): Promise<B1Result> {
  const { nats, logger, progress } = options;
  const settings = options.quick ? B1_QUICK : B1_FULL;
  const timestamp = new Date().toISOString();
  const payload = randomBytes(PAYLOAD_BYTES);
  const messages = arborMessages();

  const cases: BenchCase[] = [];
  const results: Partial<Record<CaseId, CaseResult>> = {};
  try {
    const natsPair: [BenchCase, BenchCase] = [
      await rawNatsCase(nats, payload, settings.callTimeoutMs),
      await arborNatsCase(nats, logger, settings, messages),
    ];
    cases.push(...natsPair);
    Object.assign(results, await measurePair(natsPair, settings, progress));
    const grpcPair: [BenchCase, BenchCase] = [
      await rawGrpcCase(payload, settings.callTimeoutMs),
      await arborGrpcCase(logger, settings, messages),
    ];
    cases.push(...grpcPair);
    Object.assign(results, await measurePair(grpcPair, settings, progress));
  } finally {
    await Promise.allSettled(cases.map((c) => c.close()));
  }
  const r = results as Record<CaseId, CaseResult>;
  const ratio = (a: number, b: number) => round(a / b);
  return {
    benchmark: 'B1',
    title: 'transport tax',
    timestamp,
    quick: options.quick,
    machine: describeMachine(),
    nats: { url: nats.url, source: nats.source },
    parameters: {
      ...settings,
      payloadBytes: PAYLOAD_BYTES,
      arborRequestBytes: messages.requestBytes,
      arborResponseBytes: messages.responseBytes,
      notes: [
        'raw baselines echo PAYLOAD_BYTES of bytes; the Arbor paths carry a ProposeRequest and ProposeResponse of the same size on the wire, so protobuf coding is part of the tax',
        'Arbor calls carry a deadline, call id and traceparent, and a fresh AbortSignal each, as the search gateway sends them',
        'raw gRPC calls carry a deadline; raw NATS requests a client-side timeout',
        'latency: p50/p99 over all rounds at 1 in flight; throughput: median over rounds at inFlight',
        'CPU time is the whole process (client and responder together) per measured call; maxRssKb is the process peak so far',
      ],
    },
    results: r,
    ratios: {
      natsP50: atMost(ratio(r.natsArbor.latency.p50Ms, r.natsRaw.latency.p50Ms), B1_TARGETS.p50),
      natsThroughput: atLeast(ratio(r.natsArbor.throughput.reqPerSec, r.natsRaw.throughput.reqPerSec), B1_TARGETS.throughput),
      grpcP50: atMost(ratio(r.grpcArbor.latency.p50Ms, r.grpcRaw.latency.p50Ms), B1_TARGETS.p50),
      grpcThroughput: atLeast(ratio(r.grpcArbor.throughput.reqPerSec, r.grpcRaw.throughput.reqPerSec), B1_TARGETS.throughput),
    },
    info: {
      natsP99: ratio(r.natsArbor.latency.p99Ms, r.natsRaw.latency.p99Ms),
      grpcP99: ratio(r.grpcArbor.latency.p99Ms, r.grpcRaw.latency.p99Ms),
    },
  };
}

/** The table printed for B1: absolute numbers per path, then the ratios beside their targets. */
export function b1Table(result: B1Result): string {
  const ids: CaseId[] = ['natsRaw', 'natsArbor', 'grpcRaw', 'grpcArbor'];
  const rows = ids.map((id) => {
    const c = result.results[id];
    return [
      c.label,
      fixed(c.latency.p50Ms, 3),
      fixed(c.latency.p99Ms, 3),
      fixed(c.latency.reqPerSec, 0),
      fixed(c.throughput.reqPerSec, 0),
      fixed(c.cpuUsPerOp, 1),
      fixed(c.maxRssKb / 1024, 0),
    ];
  });
  const { ratios, info } = result;
  const ratioRows = [
    ['Arbor NATS / raw NATS, p50 latency', fixed(ratios.natsP50.value, 3), ratios.natsP50.target, metMark(ratios.natsP50)],
    ['Arbor NATS / raw NATS, req/s @64', fixed(ratios.natsThroughput.value, 3), ratios.natsThroughput.target, metMark(ratios.natsThroughput)],
    ['Arbor gRPC / raw gRPC, p50 latency', fixed(ratios.grpcP50.value, 3), ratios.grpcP50.target, metMark(ratios.grpcP50)],
    ['Arbor gRPC / raw gRPC, req/s @64', fixed(ratios.grpcThroughput.value, 3), ratios.grpcThroughput.target, metMark(ratios.grpcThroughput)],
    ['Arbor NATS / raw NATS, p99 latency', fixed(info.natsP99, 3), 'info', ''],
    ['Arbor gRPC / raw gRPC, p99 latency', fixed(info.grpcP99, 3), 'info', ''],
  ];
  return [
    `B1 transport tax: ${result.parameters.payloadBytes} B each way; latency at 1 in flight, req/s at ${result.parameters.inFlight} in flight` +
      `${result.quick ? ' (quick)' : ''}`,
    renderTable(['path', 'p50 ms', 'p99 ms', 'req/s @1', `req/s @${result.parameters.inFlight}`, 'CPU us/op', 'peak RSS MB'], rows),
    '',
    renderTable(['ratio', 'value', 'target', ''], ratioRows),
  ].join('\n');
}
