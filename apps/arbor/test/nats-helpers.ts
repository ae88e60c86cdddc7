// Helpers for tests over a real nats-server: model services serving on NATS in a namespace of the test's own,
// and an orchestrator stack whose transports are NATS.
import { natsRoute, type NatsOperation } from '@arbor/contracts';
import { connectNats, sleep, type NatsConnection } from '@arbor/kit';
import type { Subscription } from '@nats-io/transport-node';
import { startNatsOrchestrator, type NatsOrchestrator } from '../src/compose/nats-orchestrator.js';
import { silent } from '@arbor/testing';

export { testNamespace } from '@arbor/testing';

/** Waits until every operation's subject has a responder in `namespace` (any reply counts, even an error). */
export async function waitForResponders(url: string, namespace: string, operations: NatsOperation[] = ['propose', 'evaluate', 'score']): Promise<void> {
  const nc = await connectNats({ url, name: 'test-probe', logger: silent });
  try {
    for (const operation of operations) {
      const { subject } = natsRoute(operation, namespace);
      for (let attempt = 0; ; attempt++) {
        try {
          await nc.request(subject, new Uint8Array(0), { timeout: 500 });
          break;
        } catch (err) {
          if (attempt > 100) throw err;
          await sleep(50);
        }
      }
    }
  } finally {
    await nc.close();
  }
}

export type { NatsOrchestrator } from '../src/compose/nats-orchestrator.js';

/** An orchestrator stack in this process that reaches every model service over NATS (silent logs). */
export function natsOrchestrator(url: string, namespace: string, env: Record<string, string> = {}): Promise<NatsOrchestrator> {
  return startNatsOrchestrator(url, namespace, silent, env);
}

/** How the server answers a subscription: the error that closed it, or 'open' after a round trip. */
export async function verdictOf(nc: NatsConnection, sub: Subscription): Promise<unknown> {
  const closed = sub.closed.then(
    (err) => err ?? 'closed',
    (err: unknown) => err,
  );
  await nc.flush();
  return Promise.race([closed, sleep(1_000).then(() => 'open')]);
}
