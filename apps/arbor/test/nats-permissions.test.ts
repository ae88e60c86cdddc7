// Least privilege on NATS, against a real nats-server started with the shipped users and permissions and TLS:
// each service connects with its own credentials and a search works; a rogue responder (no credentials, another
// service's credentials, the reward service's own without its queue group) is refused by the server, and a seeded
// search returns exactly what it returns without the rogue. Also: a model service whose credentials or TLS are
// refused logs the reason once, never the secret, and reports NOT_SERVING.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { createUser } from '@nats-io/nkeys';
import { connect, errors, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arborV1, natsRoute, type SearchResult__Output, type SearchServiceClient } from '@arbor/contracts';
import { checkHealth, sleep, startNatsServer, type NatsServerProcess } from '@arbor/kit';
import { makeTestCa, type TestCa } from '@arbor/testing/certificates';
import { startServices, type ServingStack } from '../src/compose/services.js';
import { natsAuthorization, natsPasswordVariable, natsUserName, newNatsPasswords, NATS_USERS, type NatsUser } from '../src/nats-config/authorization.js';
import { startArbor } from '../src/serve-process.js';
import { countdownRequest, search } from './helpers.js';
import { verdictOf } from './nats-helpers.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const REWARD = natsRoute('score');

let ca: TestCa;
let dir: string;
let server: NatsServerProcess;
const passwords = newNatsPasswords();
// A second stack's users on the same server, to show namespaces keep stacks apart.
const STAGING = 'staging';
const stagingPasswords = newNatsPasswords();

beforeAll(async () => {
  ca = makeTestCa('Arbor NATS Test CA');
  dir = mkdtempSync(join(tmpdir(), 'arbor-nats-permissions-'));
  const { cert, key } = ca.server('nats');
  // The shipped authorization block, and TLS required of every client.
  writeFileSync(join(dir, 'authorization.conf'), natsAuthorization(['', STAGING]));
  writeFileSync(join(dir, 'nats.conf'), `tls {\n  cert_file: "${cert}"\n  key_file: "${key}"\n}\ninclude ./authorization.conf\n`);
  const env = {
    PATH: process.env.PATH ?? '',
    ...Object.fromEntries(NATS_USERS.map((user) => [natsPasswordVariable(user), passwords[user]])),
    ...Object.fromEntries(NATS_USERS.map((user) => [natsPasswordVariable(user, STAGING), stagingPasswords[user]])),
  };
  server = await startNatsServer({ args: ['--config', join(dir, 'nats.conf')], env });
});

afterAll(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (ca) rmSync(ca.dir, { recursive: true, force: true });
});

/** The settings a service reads to connect to the test's server as `user`. */
function natsEnv(user: NatsUser, password = passwords[user]): Record<string, string> {
  return { NATS_URL: server.url, NATS_USER: user, NATS_PASSWORD: password, NATS_CA: ca.caCert };
}

function clientAs(user: NatsUser | undefined, namespace = ''): Promise<NatsConnection> {
  return connect({
    servers: server.url,
    tls: { caFile: ca.caCert },
    reconnect: false,
    ...(user && { user: natsUserName(user, namespace), pass: (namespace ? stagingPasswords : passwords)[user] }),
  });
}

describe('the shipped NATS configuration', () => {
  it('is what `arbor nats authorization` generates, for compose and for Kubernetes', () => {
    const generated = natsAuthorization();
    expect(readFileSync(join(root, 'deploy/compose/nats-authorization.conf'), 'utf8')).toBe(generated);
    expect(readFileSync(join(root, 'deploy/k8s/base/config/nats-authorization.conf'), 'utf8')).toBe(generated);
    expect(readFileSync(join(root, 'deploy/compose/nats.conf'), 'utf8')).toMatch(/^include \.\/nats-authorization\.conf$/m);
    // Replies may come as late as the longest call Arbor allows, not nats-server's default of 2 minutes.
    expect(generated.match(/allow_responses: \{ max: 1, expires: "1h" \}/g)).toHaveLength(3);
  });

  it('refuses a client without credentials, or with a wrong password', async () => {
    await expect(clientAs(undefined)).rejects.toBeInstanceOf(errors.AuthorizationError);
    await expect(connect({ servers: server.url, tls: { caFile: ca.caCert }, reconnect: false, user: 'reward', pass: 'arborNotThePassword' })).rejects.toBeInstanceOf(
      errors.AuthorizationError,
    );
  });

  it.each([
    ['policy', REWARD.subject, REWARD.queue],
    ['orchestrator', REWARD.subject, REWARD.queue],
    ['orchestrator', REWARD.subject, undefined],
    ['reward', REWARD.subject, undefined],
    ['reward', natsRoute('propose').subject, natsRoute('propose').queue],
    ['policy', '_INBOX.>', undefined],
    ['orchestrator', '_INBOX.>', undefined],
    ['policy', `${REWARD.subject}.replica.*`, undefined],
    ['policy', `${REWARD.subject}.discover`, undefined],
    ['value', `${REWARD.subject}.replica.abc`, undefined],
    ['reward', `${STAGING}.${REWARD.subject}`, `${STAGING}.${REWARD.queue}`],
  ] as const)('refuses %s subscribing to %s (queue %s) with a permissions violation', async (user, subject, queue) => {
    const nc = await clientAs(user);
    try {
      const sub = nc.subscribe(subject, queue ? { queue } : {});
      const verdict = await verdictOf(nc, sub);
      expect(verdict).toBeInstanceOf(errors.PermissionViolationError);
      expect((verdict as InstanceType<typeof errors.PermissionViolationError>).operation).toBe('subscription');
    } finally {
      await nc.close();
    }
  });

  it('lets a model service take its calls only in its queue group, and publish nothing but replies', async () => {
    const [reward, policy] = await Promise.all([clientAs('reward'), clientAs('policy')]);
    try {
      const allowed = reward.subscribe(REWARD.subject, { queue: REWARD.queue });
      expect(await verdictOf(reward, allowed)).toBe('open');
      // A stolen model credential cannot send a call (or forge an orchestrator's request) to another service,
      // even one with a responder listening.
      const { subject, queue } = natsRoute('propose');
      let delivered = 0;
      policy.subscribe(subject, {
        queue,
        callback: () => {
          delivered++;
        },
      });
      await policy.flush();
      const refusal = (async () => {
        for await (const status of reward.status()) {
          if (status.type === 'error') return status.error;
        }
        return undefined;
      })();
      reward.publish(subject, new Uint8Array([1]));
      await reward.flush();
      const error = await Promise.race([refusal, sleep(2_000).then(() => 'no error')]);
      expect(error).toBeInstanceOf(errors.PermissionViolationError);
      expect((error as InstanceType<typeof errors.PermissionViolationError>).operation).toBe('publish');
      await policy.flush();
      expect(delivered).toBe(0);
    } finally {
      await Promise.all([reward.close(), policy.close()]);
    }
  });

  it('gives each namespace its own users: a stack\'s user works in its namespace only', async () => {
    const staging = await clientAs('reward', STAGING);
    try {
      const own = staging.subscribe(`${STAGING}.${REWARD.subject}`, { queue: `${STAGING}.${REWARD.queue}` });
      expect(await verdictOf(staging, own)).toBe('open');
      const other = staging.subscribe(REWARD.subject, { queue: REWARD.queue });
      expect(await verdictOf(staging, other)).toBeInstanceOf(errors.PermissionViolationError);
    } finally {
      await staging.close();
    }
    // The other stack's password does not open this stack's user.
    await expect(
      connect({ servers: server.url, tls: { caFile: ca.caCert }, reconnect: false, user: natsUserName('reward', STAGING), pass: passwords.reward }),
    ).rejects.toBeInstanceOf(errors.AuthorizationError);
  });
});

describe('a search with every service on its own NATS user', () => {
  let models: ServingStack[] = [];
  let orchestrator: ServingStack;
  let client: SearchServiceClient;

  beforeAll(async () => {
    const common = { ARBOR_SHUTDOWN_GRACE_MS: '500', ARBOR_POLICY_LISTEN: '127.0.0.1:0', ARBOR_VALUE_LISTEN: '127.0.0.1:0', ARBOR_REWARD_LISTEN: '127.0.0.1:0' };
    models = await Promise.all((['policy', 'value', 'reward'] as const).map((service) => startServices([service], { ...common, ...natsEnv(service) }, 'silent')));
    orchestrator = await startServices(
      ['orchestrator'],
      { ...common, ...natsEnv('orchestrator'), ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0', ARBOR_INPROC_WORKERS: '0' },
      'silent',
    );
    const address = orchestrator.services[0]!.grpc.address;
    // Ready once it has found every model service over NATS.
    for (let i = 0; i < 150 && (await checkHealth(address)) !== 'SERVING'; i++) await sleep(100);
    expect(await checkHealth(address)).toBe('SERVING');
    for (const model of models) expect(await checkHealth(model.services[0]!.grpc.address)).toBe('SERVING');
    client = new (arborV1().SearchService)(address, grpc.credentials.createInsecure());
  });

  afterAll(async () => {
    client?.close();
    await orchestrator?.stop();
    await Promise.all(models.map((m) => m.stop()));
  });

  /** What a seeded search decides: everything but its id, its trace and its wall time. */
  const outcome = (result: SearchResult__Output) => ({
    answer: result.answer,
    solved: result.solved,
    stopReason: result.stopReason,
    score: result.score,
    expansions: result.stats?.expansions,
    modelCalls: result.stats?.modelCalls,
    tree: result.tree?.nodes,
  });

  it('returns the same seeded result with a rogue responder on the reward subject as without it', async () => {
    const request = countdownRequest('4 9 10 13', { mcts: {}, includeTree: true, seed: '7' });
    const honest = await search(client, request);
    expect(honest.solved).toBe(true);
    expect(Number(honest.stats?.modelCalls)).toBeGreaterThan(2);

    // Rogues with every credential they might steal, trying to answer reward calls with a perfect score.
    const rogues = await Promise.all([clientAs('reward'), clientAs('policy'), clientAs('orchestrator')]);
    const forged: Subscription[] = [
      rogues[0].subscribe(REWARD.subject),
      rogues[1].subscribe(REWARD.subject, { queue: REWARD.queue }),
      rogues[2].subscribe(REWARD.subject, { queue: REWARD.queue }),
    ];
    let heard = 0;
    for (const sub of forged) {
      void (async () => {
        for await (const message of sub) {
          heard++;
          message.respond(new Uint8Array([0x0d, 0x00, 0x00, 0x80, 0x3f]));
        }
      })().catch(() => undefined);
    }
    try {
      const verdicts = await Promise.all(forged.map((sub, i) => verdictOf(rogues[i]!, sub)));
      for (const verdict of verdicts) expect(verdict).toBeInstanceOf(errors.PermissionViolationError);
      const underAttack = await search(client, request);
      expect(outcome(underAttack)).toEqual(outcome(honest));
      expect(heard).toBe(0);
    } finally {
      await Promise.all(rogues.map((nc) => nc.close()));
    }
  });
});

describe('a model service whose NATS connection is refused', { timeout: 60_000 }, () => {
  it.each([
    ['a wrong password', 'authentication'],
    ['an unknown CA', 'tls'],
  ] as const)('with %s logs the reason once, never the secret, and is NOT_SERVING', async (_case, failure) => {
    const other = failure === 'tls' ? makeTestCa('Some Other CA') : undefined;
    const change = other ? { NATS_CA: other.caCert } : { NATS_PASSWORD: 'arborNotThePasswordAtAll' };
    const env = { ...process.env, ...natsEnv('reward'), ...change };
    const reward = await startArbor('reward', ['reward', '--grace-ms', '500'], env);
    try {
      // Attempts at 0.25, 0.5, 1 and 2 s (and jitter): several failures, one log line.
      await sleep(3_000);
      expect(await checkHealth(reward.address)).toBe('NOT_SERVING');
      const lines = reward.log().split('\n').filter((line) => line.includes('"msg":"cannot connect to NATS; retrying"'));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, failure, connection: 'arbor-reward' });
      expect(reward.log()).not.toContain(passwords.reward);
      expect(reward.log()).not.toContain('arborNotThePasswordAtAll');
      expect(reward.log()).not.toContain('"msg":"serving on NATS"');
    } finally {
      await reward.stop();
      if (other) rmSync(other.dir, { recursive: true, force: true });
    }
  });

  it('whose subscription the server refuses (a namespace not its user\'s) says so and is NOT_SERVING', async () => {
    const env = { ...process.env, ...natsEnv('reward'), ARBOR_NATS_NAMESPACE: STAGING };
    const reward = await startArbor('reward', ['reward', '--grace-ms', '500'], env);
    try {
      for (let i = 0; i < 50 && !reward.log().includes('NATS refused a subscription'); i++) await sleep(100);
      expect(reward.log()).toContain('"msg":"NATS refused a subscription: this user may not subscribe to it');
      expect(reward.log()).toContain(`"subject":"${STAGING}.${REWARD.subject}"`);
      expect(await checkHealth(reward.address)).toBe('NOT_SERVING');
    } finally {
      await reward.stop();
    }
  });

  it('with its own credentials serves on NATS and is SERVING', async () => {
    const reward = await startArbor('reward', ['reward', '--grace-ms', '500'], { ...process.env, ...natsEnv('reward') }, { servesNats: true });
    try {
      expect(await checkHealth(reward.address)).toBe('SERVING');
      expect(reward.log()).not.toContain('cannot connect to NATS');
      expect(reward.log()).not.toContain(passwords.reward);
    } finally {
      await reward.stop();
    }
  });
});

describe('other ways to authenticate', { timeout: 60_000 }, () => {
  it('serves with an nkey seed file (NATS_NKEY), the server holding only the public key', async () => {
    const user = createUser();
    const seedDir = mkdtempSync(join(tmpdir(), 'arbor-nkey-'));
    const seedFile = join(seedDir, 'reward.nk');
    writeFileSync(seedFile, new TextDecoder().decode(user.getSeed()), { mode: 0o600 });
    const { subject, queue } = REWARD;
    const config = join(seedDir, 'nats.conf');
    writeFileSync(
      config,
      `authorization {\n  users = [\n    { nkey: ${user.getPublicKey()}, permissions: { publish: { deny: [">"] }, subscribe: { allow: ["${subject} ${queue}", "${subject}.>"] }, allow_responses: true } }\n  ]\n}\n`,
    );
    const nkeyServer = await startNatsServer({ args: ['--config', config] });
    try {
      const reward = await startArbor('reward', ['reward', '--grace-ms', '500'], { ...process.env, NATS_URL: nkeyServer.url, NATS_NKEY: seedFile }, { servesNats: true });
      try {
        expect(await checkHealth(reward.address)).toBe('SERVING');
        expect(reward.log()).not.toContain(new TextDecoder().decode(user.getSeed()));
      } finally {
        await reward.stop();
      }
      // Without the seed, the same server refuses the service.
      await expect(connect({ servers: nkeyServer.url, reconnect: false })).rejects.toBeInstanceOf(errors.AuthorizationError);
    } finally {
      await nkeyServer.stop();
      rmSync(seedDir, { recursive: true, force: true });
    }
  });
});
