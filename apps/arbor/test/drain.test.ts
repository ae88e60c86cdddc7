// SIGTERM to `arbor serve all` (the image's default command), a real process: health turns NOT_SERVING at once,
// new searches are refused UNAVAILABLE, and every running search, unary or streamed, returns its best answer with
// STOP_REASON_SHUTDOWN before the grace period ends; the gateway takes no new connection, and the request it has
// in flight gets its answer; then the process exits 0.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { arborV1, type SearchResult__Output } from '@arbor/contracts';
import { checkHealth, LIVENESS_SERVICE, sleep } from '@arbor/kit';
import { startArbor } from '../src/serve-process.js';
import { ENDLESS, search, streamSearch } from './helpers.js';

describe('arbor serve all on SIGTERM', { timeout: 60_000 }, () => {
  it('drains: NOT_SERVING, new searches refused, running ones returned with STOP_REASON_SHUTDOWN, exit 0', async () => {
    const graceMs = 3_000;
    const server = await startArbor('serve all', ['all', '--grace-ms', String(graceMs)], { ...process.env, ARBOR_POLICY_EMBEDDED_LATENCY_MS: '100' });
    try {
      const { address } = server;
      const client = new (arborV1().SearchService)(address, grpc.credentials.createInsecure());
      const unaries = [1, 2, 3].map((seed) => search(client, { ...ENDLESS, seed: String(seed) }));
      const streamed = streamSearch(client, { ...ENDLESS, seed: '4' });
      // The same endless search through the gateway, in flight when the signal comes.
      const gateway = `http://${server.gatewayAddress!}`;
      const viaGateway = fetch(`${gateway}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'arbor-mcts',
          messages: [{ role: 'user', content: 'Use 1 2 3 4 5 to make 1000' }],
          arbor: { algorithm: 'best_first', seed: '5', budget: { deadline_ms: 120_000, max_expansions: 1_000_000 } },
        }),
      });
      await sleep(800);
      expect((await fetch(`${gateway}/readyz`)).status).toBe(200);

      const stopStarted = Date.now();
      server.signal('SIGTERM');
      await sleep(100);
      expect(await checkHealth(address, '')).toBe('NOT_SERVING');
      expect(await checkHealth(address, LIVENESS_SERVICE)).toBe('SERVING');
      // The gateway's listener is closed: a new connection is refused.
      await expect(fetch(`${gateway}/healthz`)).rejects.toThrow(TypeError);
      await expect(search(client, { ...ENDLESS, seed: '9' })).rejects.toMatchObject({
        code: grpc.status.UNAVAILABLE,
        details: expect.stringContaining('draining'),
      });

      const results: SearchResult__Output[] = await Promise.all(unaries);
      expect(Date.now() - stopStarted).toBeLessThan(graceMs);
      expect(results.map((r) => r.stopReason)).toEqual(['STOP_REASON_SHUTDOWN', 'STOP_REASON_SHUTDOWN', 'STOP_REASON_SHUTDOWN']);
      for (const result of results) expect(Number(result.stats?.expansions)).toBeGreaterThan(0);
      const events = await streamed;
      expect(events.at(-1)?.result?.stopReason).toBe('STOP_REASON_SHUTDOWN');
      const answered = await viaGateway;
      expect(answered.status).toBe(200);
      const completion = (await answered.json()) as { choices: { finish_reason: string }[]; arbor: { stop_reason: string; expansions: number } };
      expect(completion.arbor.stop_reason).toBe('shutdown');
      expect(completion.arbor.expansions).toBeGreaterThan(0);
      expect(completion.choices[0]!.finish_reason).toBe('length');
      expect(Date.now() - stopStarted).toBeLessThan(graceMs);
      client.close();

      expect(await server.exited).toBe(0);
      expect(Date.now() - stopStarted).toBeLessThan(graceMs + 3_000);
    } finally {
      server.signal('SIGKILL');
    }
  });
});
