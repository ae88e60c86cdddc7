// The JobService of a running orchestrator, for `arbor eval --job`, `--attach` and `arbor jobs`: the same
// connection (TLS, token) as every other command that takes --server.
import * as grpc from '@grpc/grpc-js';
import { arborV1, type Job__Output, type JobEvent__Output, type SubmitJobRequest } from '@arbor/contracts';
import { fromServiceError } from '@arbor/kit';
import type { Connection } from './connection.js';

export interface JobClient {
  submit(request: SubmitJobRequest): Promise<Job__Output>;
  get(jobId: string): Promise<Job__Output>;
  list(limit?: number): Promise<Job__Output[]>;
  cancel(jobId: string): Promise<Job__Output>;
  /** The job's events until it is done or cancelled (see WatchJob). */
  watch(jobId: string): AsyncIterable<JobEvent__Output>;
  close(): void;
}

const CALL_TIMEOUT_MS = 60_000;
/** Queueing a large job (up to a million problems) takes a while; the server replies once all are queued. */
const SUBMIT_TIMEOUT_MS = 15 * 60_000;

export function jobClient(address: string, connection?: Connection): JobClient {
  const tls = connection?.tls;
  const client = new (arborV1().JobService)(address, tls?.credentials ?? grpc.credentials.createInsecure(), tls?.options);
  const metadata = new grpc.Metadata();
  if (connection?.token !== undefined) metadata.set('authorization', `Bearer ${connection.token}`);
  const failed = (err: grpc.ServiceError) => Object.assign(fromServiceError(err), { server: address });
  const unary = async <Req, Res>(
    call: (request: Req, metadata: grpc.Metadata, options: grpc.CallOptions, done: (err: grpc.ServiceError | null, value?: Res) => void) => unknown,
    request: Req,
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<Res> => {
    // A handshake started before the certificate files are read would fail.
    await tls?.ready;
    return new Promise((resolve, reject) => {
      call.call(client, request, metadata, { deadline: Date.now() + timeoutMs }, (err, value) => (err ? reject(failed(err)) : resolve(value as Res)));
    });
  };
  return {
    submit: (request) => unary(client.SubmitJob, request, SUBMIT_TIMEOUT_MS),
    get: (jobId) => unary(client.GetJob, { jobId }),
    list: async (limit = 0) => ((await unary(client.ListJobs, { limit })) as { jobs: Job__Output[] }).jobs,
    cancel: (jobId) => unary(client.CancelJob, { jobId }),
    async *watch(jobId) {
      await tls?.ready;
      const stream = client.WatchJob({ jobId }, metadata);
      try {
        for await (const event of stream as AsyncIterable<JobEvent__Output>) yield event;
      } catch (err) {
        throw failed(err as grpc.ServiceError);
      } finally {
        stream.cancel();
      }
    },
    close: () => client.close(),
  };
}
