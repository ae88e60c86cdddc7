import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errors } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../config.js';
import { natsClientFrom, natsClientShape } from './client-settings.js';
import { natsFailureOf } from './connection.js';

const dir = mkdtempSync(join(tmpdir(), 'arbor-nats-settings-'));
const file = (name: string, text = 'x') => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clientOf = (env: Record<string, string>) => natsClientFrom(readConfig(natsClientShape, env));

describe('natsClientFrom', () => {
  it('connects anonymously over plaintext when nothing is set', () => {
    expect(clientOf({ NATS_URL: 'nats://127.0.0.1:4222' })).toEqual({ url: 'nats://127.0.0.1:4222', options: {}, auth: 'none', tls: false });
  });

  it('takes a user and password, or a token', () => {
    expect(clientOf({ NATS_URL: 'nats://n:4222', NATS_USER: 'reward', NATS_PASSWORD: 'secret-1' })).toMatchObject({
      auth: 'user',
      options: { user: 'reward', pass: 'secret-1' },
    });
    expect(clientOf({ NATS_URL: 'nats://n:4222', NATS_TOKEN: 's3cret' })).toMatchObject({ auth: 'token', options: { token: 's3cret' } });
  });

  it('reads an nkey seed or a creds file through an authenticator', () => {
    const nkey = clientOf({ NATS_URL: 'nats://n:4222', NATS_NKEY: file('user.nk', 'SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4') });
    expect(nkey.auth).toBe('nkey');
    expect(typeof nkey.options.authenticator).toBe('function');
    expect(clientOf({ NATS_URL: 'nats://n:4222', NATS_CREDS: file('user.creds') }).auth).toBe('creds');
  });

  it('turns TLS on for a tls:// URL, a CA or a client certificate', () => {
    expect(clientOf({ NATS_URL: 'tls://n:4222' })).toMatchObject({ tls: true, options: { tls: {} } });
    const ca = file('ca.crt');
    const cert = file('client.crt');
    const key = file('client.key');
    expect(clientOf({ NATS_URL: 'nats://n:4222', NATS_CA: ca, NATS_CERT: cert, NATS_KEY: key })).toMatchObject({
      tls: true,
      options: { tls: { caFile: ca, certFile: cert, keyFile: key } },
    });
  });

  it.each([
    [{ NATS_URL: 'nats://reward:pw@n:4222' }, 'NATS_URL: must not hold credentials'],
    [{ NATS_URL: 'n:4222', NATS_USER: 'a', NATS_TOKEN: 't' }, 'set one of them, not 2'],
    [{ NATS_URL: 'n:4222', NATS_PASSWORD: 'pw' }, 'NATS_USER: required with NATS_PASSWORD'],
    [{ NATS_URL: 'n:4222', NATS_CERT: 'c.crt' }, 'NATS_KEY: required with NATS_CERT'],
    [{ NATS_URL: 'n:4222', NATS_CREDS: '/nonexistent/user.creds' }, 'NATS_CREDS'],
  ])('refuses %j naming the setting', (env, message) => {
    expect(() => clientOf(env)).toThrow(ConfigError);
    expect(() => clientOf(env)).toThrow(message);
  });

  it('never puts a password in its error messages', () => {
    try {
      clientOf({ NATS_URL: 'nats://reward:hunter2@n:4222' });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
  });
});

describe('natsFailureOf', () => {
  it('tells refused credentials, permissions, TLS and an absent server apart', () => {
    expect(natsFailureOf(new errors.AuthorizationError('Authorization Violation')).kind).toBe('authentication');
    expect(natsFailureOf(new errors.PermissionViolationError('Permissions Violation for Subscription to "x"', 'subscription', 'x')).kind).toBe(
      'permissions',
    );
    const tls = Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
    expect(natsFailureOf(tls).kind).toBe('tls');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4222'), { code: 'ECONNREFUSED' });
    expect(natsFailureOf(refused)).toEqual({ kind: 'unreachable', reason: 'connect ECONNREFUSED 127.0.0.1:4222' });
    expect(natsFailureOf(new Error('something else')).kind).toBe('other');
  });
});
