// A worker thread of `arbor serve`: runs the embedded model services named in its workerData, so that their
// computation never holds up the main thread's gRPC server, health checks and search bookkeeping. Requests and
// replies cross as protobuf bytes; errors as a gRPC status.
import { workerData } from 'piscina';
import { arborV1 } from '@arbor/contracts';
import { createLogger, isArborError, toGrpcStatus, type EnvSource } from '@arbor/kit';
import { createPolicyService } from '@arbor/policy';
import { createRewardService } from '@arbor/reward';
import { createValueService } from '@arbor/value';
import type { WorkerReply, WorkerTask } from './worker-protocol.js';

const { env, services } = workerData as { env: EnvSource; services: string[] };
const v1 = arborV1();
const policy = services.includes('policy') ? createPolicyService(env).handler : undefined;
const value = services.includes('value') ? createValueService(env).handler : undefined;
const reward = services.includes('reward') ? createRewardService(env).handler : undefined;
// Calls are never aborted here: the search drops a reply it no longer waits for.
const never = new AbortController().signal;
// The main thread sees only a status; what went wrong here is logged here (no problem or step text in it).
const logger = createLogger('model-worker', { level: env.LOG_LEVEL ?? 'info' });

async function handle(task: WorkerTask): Promise<Uint8Array> {
  const bytes = Buffer.from(task.request.buffer, task.request.byteOffset, task.request.byteLength);
  if (task.service === 'policy' && policy) {
    const method = v1.PolicyService.service.Propose;
    return method.responseSerialize(await policy.propose(method.requestDeserialize(bytes), never));
  }
  if (task.service === 'value' && value) {
    const method = v1.ValueService.service.Evaluate;
    return method.responseSerialize(await value.evaluate(method.requestDeserialize(bytes), never));
  }
  if (task.service === 'reward' && reward) {
    const method = v1.RewardService.service.Score;
    return method.responseSerialize(await reward.score(method.requestDeserialize(bytes), never));
  }
  throw new Error(`this worker does not run the ${task.service} service`);
}

export default async function run(task: WorkerTask): Promise<WorkerReply> {
  try {
    return { reply: await handle(task) };
  } catch (err) {
    if (!isArborError(err)) logger.error({ err, service: task.service }, 'model worker call failed');
    const { code, details } = toGrpcStatus(err);
    return { error: { code, details } };
  }
}
