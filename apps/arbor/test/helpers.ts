// Test helpers: the four services on real gRPC (port 0), and a SearchService client.
import * as grpc from '@grpc/grpc-js';
import {
  arborV1,
  type SearchEvent__Output,
  type SearchRequest,
  type SearchResult__Output,
  type SearchServiceClient,
  type Tree__Output,
  type CancelSearchResponse__Output,
} from '@arbor/contracts';
import type { RunningGrpcServer } from '@arbor/kit';
import { buildStack, readOrchestratorConfig, startSearchServer, type Stack } from '@arbor/orchestrator';
import { silent } from '@arbor/testing';
import { startServices } from '../src/compose/services.js';

export { countdownRequest, silent } from '@arbor/testing';

export interface GrpcStack {
  orchestrator: RunningGrpcServer;
  models: RunningGrpcServer[];
  stack: Stack;
  client: SearchServiceClient;
  stop(): Promise<void>;
}

/** Policy, value and reward as gRPC servers on free ports, and an orchestrator that reaches them over gRPC. */
export async function startGrpcStack(extraEnv: Record<string, string> = {}): Promise<GrpcStack> {
  const env = {
    ARBOR_POLICY_LISTEN: '127.0.0.1:0',
    ARBOR_VALUE_LISTEN: '127.0.0.1:0',
    ARBOR_REWARD_LISTEN: '127.0.0.1:0',
    ...extraEnv,
  };
  const models = await startServices(['policy', 'value', 'reward'], env, 'silent');
  const [policy, value, reward] = models.services.map((service) => service.grpc) as [RunningGrpcServer, RunningGrpcServer, RunningGrpcServer];
  const config = readOrchestratorConfig({
    ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0',
    ARBOR_POLICY_TRANSPORT: 'grpc',
    ARBOR_VALUE_TRANSPORT: 'grpc',
    ARBOR_REWARD_TRANSPORT: 'grpc',
    ARBOR_POLICY_ADDRESS: policy.address,
    ARBOR_VALUE_ADDRESS: value.address,
    ARBOR_REWARD_ADDRESS: reward.address,
    ...extraEnv,
  });
  const stack = buildStack(config, silent);
  const orchestrator = await startSearchServer({ address: config.ARBOR_ORCHESTRATOR_LISTEN, runner: stack.runner, searches: stack.searches, jobs: stack.jobs, logger: silent });
  const client = new (arborV1().SearchService)(orchestrator.address, grpc.credentials.createInsecure());
  return {
    orchestrator,
    models: [policy, value, reward],
    stack,
    client,
    async stop() {
      client.close();
      await orchestrator.shutdown(1_000);
      await stack.transports.close();
      await models.stop();
    },
  };
}

export function search(client: SearchServiceClient, request: SearchRequest): Promise<SearchResult__Output> {
  return new Promise((resolve, reject) =>
    client.Search(request, { deadline: Date.now() + 60_000 }, (err, result) => (err ? reject(err) : resolve(result!))),
  );
}

export function getTree(client: SearchServiceClient, searchId: string): Promise<Tree__Output> {
  return new Promise((resolve, reject) =>
    client.GetTree({ searchId }, { deadline: Date.now() + 10_000 }, (err, tree) => (err ? reject(err) : resolve(tree!))),
  );
}

export function cancelSearch(client: SearchServiceClient, searchId: string): Promise<CancelSearchResponse__Output> {
  return new Promise((resolve, reject) =>
    client.CancelSearch({ searchId }, { deadline: Date.now() + 10_000 }, (err, r) => (err ? reject(err) : resolve(r!))),
  );
}

export function streamSearch(client: SearchServiceClient, request: SearchRequest): Promise<SearchEvent__Output[]> {
  return new Promise((resolve, reject) => {
    const events: SearchEvent__Output[] = [];
    const stream = client.StreamSearch(request, { deadline: Date.now() + 60_000 });
    stream.on('data', (event: SearchEvent__Output) => events.push(event));
    stream.on('error', reject);
    stream.on('end', () => resolve(events));
  });
}

/**
 * 1..5 cannot make 1000: with a slow policy (ARBOR_POLICY_EMBEDDED_LATENCY_MS) such a search runs until something
 * stops it (a drain, a cancel), long before it could exhaust its tree.
 */
export const ENDLESS: SearchRequest = {
  problem: { task: 'countdown', question: '1 2 3 4 5', params: { target: '1000' } },
  bestFirst: {},
  budget: { deadlineMs: 120_000 },
};
