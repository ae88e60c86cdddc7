// SIGTERM to `arbor serve all` (the image's default command), a real process: health turns NOT_SERVING at once,
// new searches are refused UNAVAILABLE, and every running search, unary or streamed, returns its best answer with
// STOP_REASON_SHUTDOWN before the grace period ends; then the process exits 0.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { arborV1, type SearchResult__Output } from '@arbor/contracts';
import { checkHealth, LIVENESS_SERVICE, sleep } from '@arbor/kit';
import { ENDLESS, search, streamSearch } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));

describe('arbor serve all on SIGTERM', { timeout: 60_000 }, () => {
  it('drains: NOT_SERVING, new searches refused, running ones returned with STOP_REASON_SHUTDOWN, exit 0', async () => {
    const graceMs = 3_000;
    const child = spawn(process.execPath, [BIN, 'serve', 'all', '--listen', '127.0.0.1:0', '--grace-ms', String(graceMs)], {
      env: { ...process.env, LOG_LEVEL: 'info', ARBOR_POLICY_EMBEDDED_LATENCY_MS: '100' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let address = '';
      for (let i = 0; i < 150 && !address; i++) {
        address = /"address":"(127\.0\.0\.1:\d+)".*gRPC server listening/.exec(stderr)?.[1] ?? '';
        if (!address) await sleep(100);
      }
      expect(address).not.toBe('');
      const client = new (arborV1().SearchService)(address, grpc.credentials.createInsecure());
      const unaries = [1, 2, 3].map((seed) => search(client, { ...ENDLESS, seed: String(seed) }));
      const streamed = streamSearch(client, { ...ENDLESS, seed: '4' });
      await sleep(800);

      const stopStarted = Date.now();
      child.kill('SIGTERM');
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

      expect(await exited).toBe(0);
      expect(Date.now() - stopStarted).toBeLessThan(graceMs + 3_000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
