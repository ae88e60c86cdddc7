// The kit's side of tracing with the real SDK in this process: SERVER spans on gRPC and CONSUMER spans on NATS
// that continue the caller's trace, trace ids in log lines, and starting and stopping the SDK in one process.
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { context, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { arborV1, NATS_HEADERS, type ProposeRequest__Output, type ProposeResponse, type ProposeResponse__Output } from '@arbor/contracts';
import { ArborError, InvalidArgumentError } from '../errors.js';
import { startGrpcServer, type RunningGrpcServer } from '../grpc-server.js';
import { unaryHandler } from '../handlers.js';
import { createLogger, type Logger } from '../logger.js';
import { connectNats } from '../nats/connection.js';
import { serveOnNats } from '../nats/responder.js';
import { localNats, type LocalNats } from '../nats/server-process.js';
import { ATTR } from './attributes.js';
import { activeTelemetry, shutdownTelemetry, type TelemetryHandle } from './lifecycle.js';
import { startDiscardingTelemetry, startTelemetry } from './sdk.js';
import { arborTracer, injectIntoMetadata, injectIntoNatsHeaders } from './tracing.js';

/** A logger whose lines are kept, parsed, for assertions. */
function capturingLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('test', { level: 'debug', destination }), lines };
}

const method = arborV1().PolicyService.service.Propose;

describe('with telemetry off', () => {
  it('starts nothing when no OTEL_* variable asks for it', () => {
    expect(startTelemetry({ env: {} })).toBeUndefined();
    expect(startTelemetry({ env: { OTEL_TRACES_EXPORTER: 'none' } })).toBeUndefined();
    expect(activeTelemetry()).toBeUndefined();
  });

  it('writes log lines without trace fields and spans that record nothing', () => {
    const { logger, lines } = capturingLogger();
    const span = arborTracer().startSpan('x');
    context.with(trace.setSpan(context.active(), span), () => logger.info('inside'));
    span.end();
    expect(span.isRecording()).toBe(false);
    expect(lines[0]).not.toHaveProperty('trace_id');
  });
});

describe('with telemetry on', () => {
  const exporter = new InMemorySpanExporter();
  let handle: TelemetryHandle;
  let nats: LocalNats;
  let nc: NatsConnection;
  let server: RunningGrpcServer | undefined;

  beforeAll(async () => {
    handle = startTelemetry({ serviceName: 'kit-test', spanProcessors: [new SimpleSpanProcessor(exporter)], metricReaders: [] })!;
    nats = await localNats();
    nc = await connectNats({ url: nats.url, name: 'telemetry-test', logger: createLogger('nats', { level: 'silent' }) });
  });
  afterEach(() => {
    server?.server.forceShutdown();
    server = undefined;
    exporter.reset();
  });
  afterAll(async () => {
    await nc?.drain();
    await nats?.stop();
    await handle?.shutdown();
  });

  /** Runs `fn` inside a CLIENT span, as the orchestrator's model calls do; returns the span's context. */
  function inClientSpan<T>(fn: (ctx: Context) => Promise<T>): Promise<{ result: T; traceId: string; spanId: string }> {
    const span = arborTracer().startSpan('policy propose', { kind: SpanKind.CLIENT });
    const ctx = trace.setSpan(context.active(), span);
    return context.with(ctx, () => fn(ctx)).then(
      (result) => {
        span.end();
        return { result, ...span.spanContext() };
      },
      (err: unknown) => {
        span.end();
        throw err;
      },
    );
  }

  async function startServer(logger: Logger, behaviour: (request: ProposeRequest__Output) => Promise<ProposeResponse>) {
    server = await startGrpcServer({
      address: '127.0.0.1:0',
      logger,
      services: [
        {
          name: 'arbor.v1.PolicyService',
          definition: arborV1().PolicyService.service,
          implementation: { Propose: unaryHandler<ProposeRequest__Output, ProposeResponse>(logger, 'Propose', behaviour) },
        },
      ],
    });
    return server.address;
  }

  function propose(address: string, request: object): Promise<ProposeResponse__Output> {
    const client = new (arborV1().PolicyService)(address, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    injectIntoMetadata(metadata);
    return new Promise((resolve, reject) => {
      client.Propose(request, metadata, { deadline: Date.now() + 5_000 }, (err, response) => {
        client.close();
        if (err) reject(err);
        else resolve(response!);
      });
    });
  }

  /** Finished spans, once the processor has handed them over (it waits for the resource's async attributes). */
  async function finished(): Promise<ReadableSpan[]> {
    await handle.forceFlush();
    return exporter.getFinishedSpans();
  }
  const serverSpans = async () => (await finished()).filter((s) => s.kind === SpanKind.SERVER);

  it('runs a gRPC handler in a SERVER span under the caller\'s span, with trace ids in its log lines', async () => {
    const { logger, lines } = capturingLogger();
    const address = await startServer(logger, async () => {
      logger.info('working');
      return { candidates: [] };
    });
    const { traceId, spanId } = await inClientSpan(() => propose(address, { callId: 'propose-7', numCandidates: 1 }));
    const [span] = await serverSpans();
    expect(span?.name).toBe('arbor.v1.PolicyService/Propose');
    expect(span?.spanContext().traceId).toBe(traceId);
    expect(span?.parentSpanContext?.spanId).toBe(spanId);
    expect(span?.attributes).toMatchObject({
      [ATTR.rpcSystem]: 'grpc',
      [ATTR.rpcService]: 'arbor.v1.PolicyService',
      [ATTR.rpcMethod]: 'Propose',
      [ATTR.callId]: 'propose-7',
      [ATTR.rpcGrpcStatusCode]: 0,
    });
    const line = lines.find((l) => l.msg === 'working');
    expect(line).toMatchObject({ trace_id: traceId, span_id: span?.spanContext().spanId, trace_flags: '01' });
  });

  it('marks a server fault as an error, a caller\'s mistake only by its type, and never records the message', async () => {
    const secret = `question-${randomUUID()}`;
    const { logger } = capturingLogger();
    let fail: () => Error = () => new InvalidArgumentError('problem.question', `"${secret}" is not valid`);
    const address = await startServer(logger, async () => {
      throw fail();
    });
    await expect(inClientSpan(() => propose(address, {}))).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    fail = () => new ArborError('internal', `backend crashed on ${secret}`);
    await expect(inClientSpan(() => propose(address, {}))).rejects.toMatchObject({ code: grpc.status.INTERNAL });
    const [invalid, internal] = await serverSpans();
    expect(invalid?.status.code).toBe(SpanStatusCode.UNSET);
    expect(invalid?.attributes).toMatchObject({ [ATTR.errorType]: 'invalid_argument', [ATTR.rpcGrpcStatusCode]: grpc.status.INVALID_ARGUMENT });
    expect(internal?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'internal' });
    expect(JSON.stringify((await finished()).map(plain))).not.toContain(secret);
  });

  it('runs a NATS request in a CONSUMER span under the producer\'s span', async () => {
    const { logger, lines } = capturingLogger();
    const subject = `test.${randomUUID()}.propose`;
    const responder = serveOnNats({
      nc,
      subject,
      queue: `${subject}.q`,
      method,
      requestType: 'arbor.v1.ProposeRequest',
      logger,
      maxInFlight: 4,
      handle: async () => {
        logger.info('working');
        return { candidates: [] };
      },
    });
    try {
      const producer = arborTracer().startSpan(`send ${subject}`, { kind: SpanKind.PRODUCER });
      const h = natsHeaders();
      h.set(NATS_HEADERS.callId, 'score-3');
      injectIntoNatsHeaders(h, trace.setSpan(context.active(), producer));
      await nc.request(subject, method.requestSerialize({ numCandidates: 1 }), { timeout: 5_000, headers: h });
      producer.end();
      const consumer = (await finished()).find((s) => s.kind === SpanKind.CONSUMER);
      expect(consumer?.name).toBe(`process ${subject}`);
      expect(consumer?.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
      expect(consumer?.spanContext().traceId).toBe(producer.spanContext().traceId);
      expect(consumer?.attributes).toMatchObject({
        [ATTR.messagingSystem]: 'nats',
        [ATTR.messagingDestination]: subject,
        [ATTR.messagingOperationType]: 'process',
        [ATTR.messagingConsumerGroup]: `${subject}.q`,
        [ATTR.callId]: 'score-3',
      });
      expect(lines.find((l) => l.msg === 'working')).toMatchObject({ trace_id: producer.spanContext().traceId, span_id: consumer?.spanContext().spanId });
    } finally {
      await responder.stop(100);
    }
  });
});

describe('starting and stopping in one process', () => {
  it('records into the running SDK only, and nothing once it is shut down', async () => {
    const first = new InMemorySpanExporter();
    const a = startTelemetry({ spanProcessors: [new SimpleSpanProcessor(first)], metricReaders: [] })!;
    expect(() => startTelemetry({ spanExporter: new InMemorySpanExporter() })).toThrow(/already running/);
    arborTracer().startSpan('one').end();
    await a.forceFlush();
    // Read before shutdown: the in-memory exporter forgets its spans when it is shut down.
    expect(first.getFinishedSpans().map((s) => s.name)).toEqual(['one']);
    await a.shutdown();
    expect(activeTelemetry()).toBeUndefined();
    const off = arborTracer().startSpan('off');
    expect(off.isRecording()).toBe(false);
    off.end();

    const second = new InMemorySpanExporter();
    const b = startTelemetry({ spanProcessors: [new SimpleSpanProcessor(second)], metricReaders: [] })!;
    arborTracer().startSpan('two').end();
    await b.forceFlush();
    expect(second.getFinishedSpans().map((s) => s.name)).toEqual(['two']);
    await shutdownTelemetry();
    expect(activeTelemetry()).toBeUndefined();
  });

  it('runs the whole pipeline into a discarding exporter for overhead measurements', async () => {
    const handle = startDiscardingTelemetry();
    expect(handle.tracing && handle.metrics).toBe(true);
    const span = arborTracer().startSpan('measured');
    expect(span.isRecording()).toBe(true);
    span.end();
    await handle.forceFlush();
    expect(handle.spanExporter.exported).toBe(1);
    await handle.shutdown();
    expect(activeTelemetry()).toBeUndefined();
  });
});

/** What an exporter would send of a span: name, attributes, events, status. */
function plain(span: ReadableSpan) {
  return { name: span.name, attributes: span.attributes, events: span.events, status: span.status };
}
