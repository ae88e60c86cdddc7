// The NATS server the benchmarks talk to: the one at NATS_URL when it answers on a loopback address, else a
// nats-server of our own on a free loopback port, stopped at the end. Two connections, as in a deployment:
// one for the caller (orchestrator side) and one for the responders (model-service side).
import { randomBytes } from 'node:crypto';
import { connectNats, natsAnswers, startNatsServer, type Logger, type NatsConnection, type NatsServerProcess } from '@arbor/kit';
import { UnavailableError } from '@arbor/kit/errors';

export interface BenchNats {
  url: string;
  /** Where the server came from, for the JSON. */
  source: 'NATS_URL' | 'started';
  client: NatsConnection;
  server: NatsConnection;
  /** A prefix for every subject of this run, so a shared NATS server never routes our calls to a live stack. */
  namespace: string;
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 10_000;

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url.includes('://') ? url : `nats://${url}`).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** connectNats tries until it connects (right for a service); a benchmark must not wait forever. */
async function connectBounded(url: string, name: string, logger: Logger): Promise<NatsConnection> {
  const signal = AbortSignal.timeout(CONNECT_TIMEOUT_MS);
  try {
    return await connectNats({ url, name, logger, signal });
  } catch (err) {
    if (signal.aborted) throw new UnavailableError(`no NATS connection to ${url} within ${CONNECT_TIMEOUT_MS} ms`);
    throw err;
  }
}

/**
 * startNatsServer puts nats-server in its own process group, so neither a terminal's Ctrl-C nor this process
 * dying (an uncaught error, a closed stdout pipe) would stop it. Until released, this stops it on exit and on
 * SIGINT/SIGTERM: stop() sends SIGTERM synchronously, which is all an exit path may do; a signal is then
 * re-raised with its default action so the exit status still tells how we ended.
 */
function guardAgainstOrphan(server: NatsServerProcess): () => void {
  const onExit = () => void server.stop();
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    void server.stop();
    process.kill(process.pid, signal);
  };
  const release = () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return release;
}

/** Chooses (or starts) the server and connects; `note` receives one line on what was chosen and why. */
export async function openBenchNats(envUrl: string | undefined, logger: Logger, note: (line: string) => void): Promise<BenchNats> {
  const urls = (envUrl ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  let started: NatsServerProcess | undefined;
  let releaseGuard = () => {};
  const stopStarted = async () => {
    releaseGuard();
    await started?.stop();
  };
  let url: string;
  if (urls.length > 0 && urls.every(isLoopback) && (await natsAnswers(urls[0]!))) {
    url = urls.join(',');
    note(`NATS: using NATS_URL ${url}`);
  } else {
    if (urls.length > 0) {
      const why = urls.every(isLoopback) ? 'does not answer' : 'is not a loopback address';
      note(`NATS: NATS_URL ${urls.join(',')} ${why}; starting a local nats-server instead`);
    }
    started = await startNatsServer();
    url = started.url;
    releaseGuard = guardAgainstOrphan(started);
    if (urls.length === 0) note(`NATS: started nats-server at ${url}`);
  }
  try {
    const client = await connectBounded(url, 'arbor-bench-client', logger);
    const server = await connectBounded(url, 'arbor-bench-services', logger).catch(async (err: unknown) => {
      await client.close();
      throw err;
    });
    return {
      url,
      source: started ? 'started' : 'NATS_URL',
      client,
      server,
      namespace: `bench-${randomBytes(4).toString('hex')}`,
      async close() {
        await Promise.allSettled([client.drain(), server.drain()]);
        await stopStarted();
      },
    };
  } catch (err) {
    await stopStarted();
    throw err;
  }
}
