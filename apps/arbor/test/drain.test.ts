// SIGTERM to `arbor serve all` (the image's default command), a real process: health turns NOT_SERVING at once,
// new searches are refused UNAVAILABLE, and every running search, unary or streamed, returns its best answer with
// STOP_REASON_SHUTDOWN before the grace period ends; then the process exits 0.
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
      await sleep(800);

      const stopStarted = Date.now();
      server.signal('SIGTERM');
      await sleep(100);
      expect(await checkHealth(address, '')).toBe('NOT_SERVING');
      expect(await checkHealth(address, LIVENESS_SERVICE)).toBe('SERVING');
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
      client.close();

      expect(await server.exited).toBe(0);
      expect(Date.now() - stopStarted).toBeLessThan(graceMs + 3_000);
    } finally {
      server.signal('SIGKILL');
    }
  });
});
