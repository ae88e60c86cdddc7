// The fake model server tied to vitest's lifecycle, so test files do not each repeat its start, reset and close.
// Test support only: vitest comes from the workspace root's devDependencies, as it does for every test file.
import { afterAll, beforeAll, beforeEach, onTestFinished } from 'vitest';
import { startFakeModelServer, type FakeModelServer, type FakeRoute } from './fake-model-server.js';

/**
 * One server for the whole test file; call at its top level. Started before the file's first test and closed
 * after its last; its request log is emptied before each test, while routes and queued replies stay, so each
 * test sets the routes it relies on. Returns a stand-in usable once the server has started (in tests and hooks).
 */
export function useFakeModelServer(routes: Record<string, FakeRoute> = {}): FakeModelServer {
  let server: FakeModelServer | undefined;
  const started = (): FakeModelServer => {
    if (!server) throw new Error('the fake model server starts in beforeAll: use it in a test or a hook');
    return server;
  };
  beforeAll(async () => {
    server = await startFakeModelServer(routes);
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    started().requests.length = 0;
  });
  return {
    get url() {
      return started().url;
    },
    get baseUrl() {
      return started().baseUrl;
    },
    get requests() {
      return started().requests;
    },
    route: (path, handler) => started().route(path, handler),
    enqueue: (path, ...replies) => started().enqueue(path, ...replies),
    requestsTo: (path) => started().requestsTo(path),
    close: () => started().close(),
  };
}

/** A server for the running test only; call inside the test. It is closed when the test ends, passed or failed. */
export async function startFakeModelServerForTest(routes: Record<string, FakeRoute> = {}): Promise<FakeModelServer> {
  const server = await startFakeModelServer(routes);
  onTestFinished(() => server.close());
  return server;
}
