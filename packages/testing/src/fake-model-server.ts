// A programmable model server on real HTTP (127.0.0.1, port 0) for tests: routes answer with the exact
// reply shapes of OpenAI-compatible servers and vLLM's /pooling, or with the failures real servers produce
// (429 + Retry-After, 5xx, malformed JSON, a connection closed mid-body, no answer at all).
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when the body was empty or not JSON). */
  body: any;
}

export type FakeReply =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'raw'; status?: number; text: string; contentType?: string; headers?: Record<string, string> }
  /** Sends the headers and half a body, then destroys the socket. */
  | { kind: 'hangup' }
  /** Never answers; the client's timeout has to end the call. */
  | { kind: 'hang' };

export type FakeRoute = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FakeModelServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** url + '/v1', the base URL OpenAI clients expect. */
  readonly baseUrl: string;
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
  /** Sets (or replaces) the handler of a path, e.g. '/v1/completions' or '/pooling'. */
  route(path: string, handler: FakeRoute): void;
  /** Replies served before the path's handler, one per request, in order: e.g. a 429 then the handler. */
  enqueue(path: string, ...replies: FakeReply[]): void;
  /** Requests received on one path. */
  requestsTo(path: string): FakeRequest[];
  close(): Promise<void>;
}

export async function startFakeModelServer(routes: Record<string, FakeRoute> = {}): Promise<FakeModelServer> {
  const handlers = new Map<string, FakeRoute>(Object.entries(routes));
  const queued = new Map<string, FakeReply[]>();
  const requests: FakeRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const request: FakeRequest = { method: req.method ?? 'GET', path, headers: req.headers, body };
      requests.push(request);
      void answer(request, res);
    });
  });

  async function answer(request: FakeRequest, res: ServerResponse): Promise<void> {
    let reply: FakeReply;
    try {
      const next = queued.get(request.path)?.shift();
      const handler = handlers.get(request.path);
      reply = next ?? (handler ? await handler(request) : errorReply(404, `no route for ${request.path}`));
    } catch (err) {
      reply = errorReply(500, `fake handler failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    send(reply, res);
  }

  function send(reply: FakeReply, res: ServerResponse): void {
    switch (reply.kind) {
      case 'json': {
        const write = () => {
          if (res.destroyed) return;
          res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
          res.end(JSON.stringify(reply.body));
        };
        if (reply.delayMs) setTimeout(write, reply.delayMs);
        else write();
        return;
      }
      case 'raw':
        res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json', ...reply.headers });
        res.end(reply.text);
        return;
      case 'hangup':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{"choices": [');
        setImmediate(() => res.socket?.destroy());
        return;
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrl: `${url}/v1`,
    requests,
    route(path, handler) {
      handlers.set(path, handler);
    },
    enqueue(path, ...replies) {
      queued.set(path, [...(queued.get(path) ?? []), ...replies]);
    },
    requestsTo(path) {
      return requests.filter((r) => r.path === path);
    },
    async close() {
      for (const res of hanging) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An error reply in the OpenAI shape ({"error": {"message", "type", "code"}}), as vLLM and OpenAI send them. */
export function errorReply(status: number, message: string, headers: Record<string, string> = {}): FakeReply {
  return { kind: 'json', status, headers, body: { error: { message, type: status === 429 ? 'rate_limit_error' : 'server_error', code: status } } };
}
