// TLS for every Arbor gRPC server and client, from PEM files named in configuration. The files are re-read every
// ARBOR_TLS_RELOAD_MS (grpc-js's file-watcher provider), so a certificate rotated in place (a Kubernetes Secret
// mounted as a volume is updated that way) is served without a restart. With none of these set, gRPC is
// plaintext: fine on one machine or inside a mesh that encrypts for you, not across a network you do not own.
import { rootCertificates } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { ConfigError, env, readableFile, readConfig, type EnvSource, type z } from './config.js';

/** A server's side: its certificate and key, and the CA its clients' certificates must chain to (mTLS). */
export const serverTlsShape = {
  ARBOR_TLS_CERT_FILE: env.string(''),
  ARBOR_TLS_KEY_FILE: env.string(''),
  /** Set: every client must present a certificate signed by this CA (mutual TLS). */
  ARBOR_TLS_CLIENT_CA_FILE: env.string(''),
  ARBOR_TLS_RELOAD_MS: env.integer(30_000, 1_000, 86_400_000),
};

/** A client's side, for the calls this process makes over gRPC (the orchestrator to the model services). */
export const clientTlsShape = {
  ARBOR_GRPC_TLS: env.boolean(false),
  /** The CA to trust; default the system's roots. */
  ARBOR_GRPC_CA_FILE: env.string(''),
  /** This process's own certificate and key, for servers that ask for one (mutual TLS). */
  ARBOR_GRPC_CERT_FILE: env.string(''),
  ARBOR_GRPC_KEY_FILE: env.string(''),
  /** The name the server's certificate must carry, when it is not the host dialled (e.g. dialling an IP). */
  ARBOR_GRPC_SERVER_NAME: env.string(''),
  ARBOR_TLS_RELOAD_MS: env.integer(30_000, 1_000, 86_400_000),
};

function pair(certSetting: string, cert: string, keySetting: string, key: string): { cert: string; key: string } | undefined {
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new ConfigError(`${cert ? keySetting : certSetting}: required with ${cert ? certSetting : keySetting}`);
  return { cert: readableFile(certSetting, cert), key: readableFile(keySetting, key) };
}

export interface ServerTls {
  credentials: grpc.ServerCredentials;
  /** What was asked of clients, for logs and readiness: 'none' (plaintext), 'tls', or 'mtls'. */
  mode: 'none' | 'tls' | 'mtls';
  /** Settles once the files have been read: a server must not listen before it can complete a handshake. */
  ready: Promise<void>;
}

export interface ServerTlsFiles {
  certFile: string;
  keyFile: string;
  /** Set: clients must present a certificate signed by this CA. */
  clientCaFile?: string;
  reloadMs?: number;
}

/** Server credentials from files, re-read as they change; plaintext when `files` is undefined. */
export function serverTls(files: ServerTlsFiles | undefined): ServerTls {
  if (!files) return { credentials: grpc.ServerCredentials.createInsecure(), mode: 'none', ready: Promise.resolve() };
  const refreshIntervalMs = files.reloadMs ?? 30_000;
  const identity = new grpc.experimental.FileWatcherCertificateProvider({
    certificateFile: files.certFile,
    privateKeyFile: files.keyFile,
    refreshIntervalMs,
  });
  const clientCa = files.clientCaFile
    ? new grpc.experimental.FileWatcherCertificateProvider({ caCertificateFile: files.clientCaFile, refreshIntervalMs })
    : null;
  // grpc-js takes the identity provider first, whatever its declaration names the parameters.
  const credentials = grpc.experimental.createCertificateProviderServerCredentials(identity, clientCa, clientCa !== null);
  const ready = Promise.all([loaded(identity, 'identity', 'ARBOR_TLS_CERT_FILE'), ...(clientCa ? [loaded(clientCa, 'ca', 'ARBOR_TLS_CLIENT_CA_FILE')] : [])]);
  return { credentials, mode: clientCa ? 'mtls' : 'tls', ready: ready.then(() => undefined) };
}

const LOAD_TIMEOUT_MS = 10_000;

/**
 * Resolves once `provider` has read its files (its first update), rejects with a ConfigError naming `setting`
 * when it could not within LOAD_TIMEOUT_MS (a file that is not PEM, a key that does not fit its certificate).
 */
function loaded(provider: grpc.experimental.CertificateProvider, kind: 'identity' | 'ca', setting: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new ConfigError(`${setting}: the certificate files could not be loaded`));
    }, LOAD_TIMEOUT_MS);
    const listener = (update: unknown) => {
      if (update === null) return;
      stop();
      resolve();
    };
    const stop = () => {
      clearTimeout(timer);
      if (kind === 'identity') provider.removeIdentityCertificateListener(listener);
      else provider.removeCaCertificateListener(listener);
    };
    if (kind === 'identity') provider.addIdentityCertificateListener(listener);
    else provider.addCaCertificateListener(listener);
  });
}

export type ServerTlsSettings = z.infer<z.ZodObject<typeof serverTlsShape>>;
export type ClientTlsSettings = z.infer<z.ZodObject<typeof clientTlsShape>>;

/** The server TLS of ARBOR_TLS_* in `source`; plaintext when no certificate is set. */
export function readServerTls(source: EnvSource): ServerTls {
  return serverTlsFrom(readConfig(serverTlsShape, source));
}

/** The same, from settings already read (a service's config holds serverTlsShape's names). */
export function serverTlsFrom(config: ServerTlsSettings): ServerTls {
  const identity = pair('ARBOR_TLS_CERT_FILE', config.ARBOR_TLS_CERT_FILE, 'ARBOR_TLS_KEY_FILE', config.ARBOR_TLS_KEY_FILE);
  if (!identity) {
    if (config.ARBOR_TLS_CLIENT_CA_FILE) throw new ConfigError('ARBOR_TLS_CERT_FILE: required with ARBOR_TLS_CLIENT_CA_FILE');
    return serverTls(undefined);
  }
  return serverTls({
    certFile: identity.cert,
    keyFile: identity.key,
    ...(config.ARBOR_TLS_CLIENT_CA_FILE && { clientCaFile: readableFile('ARBOR_TLS_CLIENT_CA_FILE', config.ARBOR_TLS_CLIENT_CA_FILE) }),
    reloadMs: config.ARBOR_TLS_RELOAD_MS,
  });
}

export interface ClientTls {
  credentials: grpc.ChannelCredentials;
  /** Channel options that go with them (the server name to verify, when overridden). */
  options: grpc.ChannelOptions;
  /** Settles once the files have been read; a first call made before would fail its handshake. */
  ready: Promise<void>;
}

export interface ClientTlsFiles {
  /** Default the system's roots. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  serverName?: string;
  reloadMs?: number;
}

/** Channel credentials: TLS (mutual when a certificate is given) from files re-read as they change, else plaintext. */
export function clientTls(files: ClientTlsFiles | undefined): ClientTls {
  if (!files) return { credentials: grpc.credentials.createInsecure(), options: {}, ready: Promise.resolve() };
  const options: grpc.ChannelOptions = files.serverName ? { 'grpc.ssl_target_name_override': files.serverName, 'grpc.default_authority': files.serverName } : {};
  if (!files.caFile && !files.certFile) return { credentials: grpc.credentials.createSsl(), options, ready: Promise.resolve() };
  const refreshIntervalMs = files.reloadMs ?? 30_000;
  // Without a CA file the roots Node trusts by default are trusted.
  const ca = files.caFile
    ? new grpc.experimental.FileWatcherCertificateProvider({ caCertificateFile: files.caFile, refreshIntervalMs })
    : new SystemRoots();
  const identity =
    files.certFile && files.keyFile
      ? new grpc.experimental.FileWatcherCertificateProvider({ certificateFile: files.certFile, privateKeyFile: files.keyFile, refreshIntervalMs })
      : null;
  const ready = Promise.all([loaded(ca, 'ca', 'ARBOR_GRPC_CA_FILE'), ...(identity ? [loaded(identity, 'identity', 'ARBOR_GRPC_CERT_FILE')] : [])]);
  // Nobody may be waiting yet; a failure is still reported to whoever awaits `ready`.
  ready.catch(() => undefined);
  return { credentials: grpc.experimental.createCertificateProviderChannelCredentials(ca, identity), options, ready: ready.then(() => undefined) };
}

/** A CA provider that gives the roots Node trusts by default (its bundled Mozilla list). */
class SystemRoots implements grpc.experimental.CertificateProvider {
  addCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    listener({ caCertificate: Buffer.from(rootCertificates.join('\n')) });
  }
  removeCaCertificateListener(): void {}
  addIdentityCertificateListener(): void {}
  removeIdentityCertificateListener(): void {}
}

/** The client TLS of ARBOR_GRPC_* in `source`; plaintext unless ARBOR_GRPC_TLS is true. */
export function readClientTls(source: EnvSource): ClientTls {
  return clientTlsFrom(readConfig(clientTlsShape, source));
}

/** The same, from settings already read (the orchestrator's config holds clientTlsShape's names). */
export function clientTlsFrom(config: ClientTlsSettings): ClientTls {
  const identity = pair('ARBOR_GRPC_CERT_FILE', config.ARBOR_GRPC_CERT_FILE, 'ARBOR_GRPC_KEY_FILE', config.ARBOR_GRPC_KEY_FILE);
  if (!config.ARBOR_GRPC_TLS) {
    if (identity || config.ARBOR_GRPC_CA_FILE) throw new ConfigError('ARBOR_GRPC_TLS: set it to true to use ARBOR_GRPC_CA_FILE or ARBOR_GRPC_CERT_FILE');
    return clientTls(undefined);
  }
  return clientTls({
    ...(config.ARBOR_GRPC_CA_FILE && { caFile: readableFile('ARBOR_GRPC_CA_FILE', config.ARBOR_GRPC_CA_FILE) }),
    ...(identity && { certFile: identity.cert, keyFile: identity.key }),
    ...(config.ARBOR_GRPC_SERVER_NAME && { serverName: config.ARBOR_GRPC_SERVER_NAME }),
    reloadMs: config.ARBOR_TLS_RELOAD_MS,
  });
}
