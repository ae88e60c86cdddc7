// How a service authenticates to NATS and secures the connection, from the environment: user and password, a
// token, an nkey seed file or a JWT .creds file (at most one of them), and TLS with a CA and a client
// certificate. The names are the ones the `nats` CLI reads, so one set of variables serves both.
import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, type NodeConnectionOptions } from '@nats-io/transport-node';
import { ConfigError, env, readableFile, unquoted, type z } from '../config.js';

export const natsClientShape = {
  /** NATS server(s), comma-separated: nats://host:4222, or tls://host:4222 to require TLS. */
  NATS_URL: env.string(''),
  NATS_USER: env.string(''),
  NATS_PASSWORD: unquoted(env.string('')),
  NATS_TOKEN: unquoted(env.string('')),
  /** A file holding an nkey seed (SU...). */
  NATS_NKEY: env.string(''),
  /** A JWT credentials file (.creds), as `nsc` writes them. */
  NATS_CREDS: env.string(''),
  /** TLS: the CA that signed the server's certificate; the client's own certificate and key (mutual TLS). */
  NATS_CA: env.string(''),
  NATS_CERT: env.string(''),
  NATS_KEY: env.string(''),
};

export type NatsClientSettings = z.infer<z.ZodObject<typeof natsClientShape>>;

/** How a connection authenticates, for logs: never the secret. */
export type NatsAuthMethod = 'none' | 'user' | 'token' | 'nkey' | 'creds';

export interface NatsClient {
  /** Empty: this process uses no NATS. */
  url: string;
  /** Authentication and TLS options for nats.js. */
  options: Partial<NodeConnectionOptions>;
  auth: NatsAuthMethod;
  tls: boolean;
}

function holdsCredentials(url: string): boolean {
  try {
    const parsed = new URL(url.includes('://') ? url : `nats://${url}`);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false;
  }
}

/**
 * The credentials and TLS the settings ask for. Files are checked now (a missing one stops the process at start)
 * and read again at every connect, so a rotated Secret is used at the next reconnect.
 */
export function natsClientFrom(settings: NatsClientSettings): NatsClient {
  const urls = settings.NATS_URL.split(',').map((u) => u.trim()).filter(Boolean);
  // URLs go into logs; a password belongs in NATS_PASSWORD.
  if (urls.some(holdsCredentials)) throw new ConfigError('NATS_URL: must not hold credentials; use NATS_USER and NATS_PASSWORD (or NATS_TOKEN, NATS_NKEY, NATS_CREDS)');
  const methods: Array<[NatsAuthMethod, boolean]> = [
    ['user', settings.NATS_USER !== ''],
    ['token', settings.NATS_TOKEN !== ''],
    ['nkey', settings.NATS_NKEY !== ''],
    ['creds', settings.NATS_CREDS !== ''],
  ];
  const chosen = methods.filter(([, set]) => set).map(([method]) => method);
  if (chosen.length > 1) throw new ConfigError(`NATS_USER, NATS_TOKEN, NATS_NKEY, NATS_CREDS: set one of them, not ${chosen.length}`);
  if (settings.NATS_PASSWORD && !settings.NATS_USER) throw new ConfigError('NATS_USER: required with NATS_PASSWORD');
  if ((settings.NATS_CERT === '') !== (settings.NATS_KEY === '')) throw new ConfigError(`${settings.NATS_CERT ? 'NATS_KEY' : 'NATS_CERT'}: required with ${settings.NATS_CERT ? 'NATS_CERT' : 'NATS_KEY'}`);
  const auth = chosen[0] ?? 'none';
  const options: Partial<NodeConnectionOptions> = {};
  if (auth === 'user') Object.assign(options, { user: settings.NATS_USER, pass: settings.NATS_PASSWORD });
  if (auth === 'token') options.token = settings.NATS_TOKEN;
  if (auth === 'nkey') {
    const path = readableFile('NATS_NKEY', settings.NATS_NKEY);
    options.authenticator = nkeyAuthenticator(() => new TextEncoder().encode(readFileSync(path, 'utf8').trim()));
  }
  if (auth === 'creds') {
    const path = readableFile('NATS_CREDS', settings.NATS_CREDS);
    options.authenticator = credsAuthenticator(() => new Uint8Array(readFileSync(path)));
  }
  const tls = settings.NATS_CA !== '' || settings.NATS_CERT !== '' || urls.some((u) => u.startsWith('tls://'));
  if (tls) {
    options.tls = {
      ...(settings.NATS_CA && { caFile: readableFile('NATS_CA', settings.NATS_CA) }),
      ...(settings.NATS_CERT && { certFile: readableFile('NATS_CERT', settings.NATS_CERT), keyFile: readableFile('NATS_KEY', settings.NATS_KEY) }),
    };
  }
  return { url: settings.NATS_URL, options, auth, tls };
}
