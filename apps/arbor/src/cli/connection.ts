// How the CLI reaches a running orchestrator: plaintext, TLS or mutual TLS, from flags, else from the same
// ARBOR_GRPC_* settings the services use for their own gRPC calls; and the bearer token it shows, if any.
import { readFileSync } from 'node:fs';
import { clientTlsFrom, clientTlsShape, readConfig, type ClientTls, type EnvSource } from '@arbor/kit';
import { UsageError } from './usage-error.js';

export interface Connection {
  tls: ClientTls;
  /** Sent as "authorization: Bearer <token>" with every call. */
  token?: string;
}

export const CONNECTION_FLAGS = {
  tls: { type: 'boolean' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'server-name': { type: 'string' },
  'token-file': { type: 'string' },
} as const;

export const CONNECTION_HELP = `Connection (with --server):
  --tls                   speak TLS (also implied by --ca, --cert); default ARBOR_GRPC_TLS
  --ca FILE               the CA to trust (PEM); default the system's roots, or ARBOR_GRPC_CA_FILE
  --cert FILE --key FILE  a client certificate, for a server that asks for one (mutual TLS)
  --server-name NAME      the name the server's certificate must carry, when it is not the host dialled
  --token-file FILE       a file holding the bearer token to send; default the ARBOR_API_TOKEN variable
`;

/** The token of --token-file, else of ARBOR_API_TOKEN; never on the command line, where `ps` would show it. */
function readToken(file: string | undefined, env: EnvSource): string | undefined {
  if (file === undefined) return env.ARBOR_API_TOKEN || undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`--token-file: cannot read "${file}"`);
  }
  const token = text.trim();
  if (!token || /\s/.test(token)) throw new UsageError(`--token-file: "${file}" must hold one token and nothing else`);
  return token;
}

/** The connection the flags (over ARBOR_GRPC_* and ARBOR_API_TOKEN in `env`) ask for. */
export function readConnection(values: Record<string, unknown>, env: EnvSource): Connection {
  const token = readToken(values['token-file'] as string | undefined, env);
  return { tls: readTls(values, env), ...(token !== undefined && { token }) };
}

function readTls(values: Record<string, unknown>, env: EnvSource): ClientTls {
  const str = (name: string) => values[name] as string | undefined;
  if ((str('cert') === undefined) !== (str('key') === undefined)) throw new UsageError('--cert and --key go together');
  const flags: EnvSource = {
    ...((values.tls === true || str('ca') !== undefined || str('cert') !== undefined) && { ARBOR_GRPC_TLS: 'true' }),
    ...(str('ca') !== undefined && { ARBOR_GRPC_CA_FILE: str('ca') }),
    ...(str('cert') !== undefined && { ARBOR_GRPC_CERT_FILE: str('cert'), ARBOR_GRPC_KEY_FILE: str('key') }),
    ...(str('server-name') !== undefined && { ARBOR_GRPC_SERVER_NAME: str('server-name') }),
  };
  return clientTlsFrom(readConfig(clientTlsShape, { ...env, ...flags }));
}
