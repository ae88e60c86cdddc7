// Memory bounded by bytes, on a real `arbor serve all` with a small heap (--max-old-space-size=192): searches
// that each build tens of thousands of nodes leave the process up, finished trees are dropped oldest first within
// a quarter of the heap (a dropped one answers NOT_FOUND saying it expired), and a tree larger than a gRPC
// client's default 4 MiB limit reads page by page.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { arborV1, type SearchServiceClient, type Tree__Output } from '@arbor/contracts';
import { checkHealth } from '@arbor/kit';
import { startArbor } from '../src/serve-process.js';
import { search } from './helpers.js';

/** 1..5 cannot make 1000: best-first search without merging states grows the tree until max_nodes stops it. */
function bigTree(seed: number, maxNodes: number) {
  return {
    problem: { task: 'countdown', question: '1 2 3 4 5', params: { target: '1000' } },
    bestFirst: { dedupeStates: false },
    budget: { maxNodes, deadlineMs: 60_000 },
    seed: String(seed),
  };
}

function getTree(client: SearchServiceClient, searchId: string, pageToken = ''): Promise<Tree__Output> {
  return new Promise((resolve, reject) =>
    client.GetTree({ searchId, pageToken }, { deadline: Date.now() + 30_000 }, (err, tree) => (err ? reject(err) : resolve(tree!))),
  );
}

describe('arbor serve all with a 192 MB heap', { timeout: 180_000 }, () => {
  it('stays up through searches of about 30 k nodes each, drops old trees by bytes, and pages a large tree', async () => {
    const server = await startArbor('serve all', ['all'], { ...process.env, NODE_OPTIONS: '--max-old-space-size=192' });
    try {
      const { address } = server;
      const client = new (arborV1().SearchService)(address, grpc.credentials.createInsecure());

      // 9 searches, 3 at a time: about 12 MB of tree each, over 100 MB in all, against 48 MB kept.
      const ids: string[] = [];
      for (let batch = 0; batch < 3; batch++) {
        const results = await Promise.all([0, 1, 2].map((i) => search(client, bigTree(batch * 3 + i + 1, 30_000))));
        for (const result of results) {
          expect(result.stopReason).toBe('STOP_REASON_MAX_NODES');
          ids.push(result.searchId);
        }
      }
      expect(server.child.exitCode).toBeNull();
      expect(await checkHealth(address)).toBe('SERVING');

      // The first trees were dropped to keep the rest within the budget, and say so.
      await expect(getTree(client, ids[0]!)).rejects.toMatchObject({
        code: grpc.status.NOT_FOUND,
        details: expect.stringMatching(/has expired \(finished trees are kept within \d+ MB, oldest dropped first\)/),
      });
      // The last one reads whole, page by page, each page within the default 4 MiB client limit.
      const last = ids.at(-1)!;
      const nodes: number[] = [];
      let token = '';
      let pages = 0;
      do {
        const page = await getTree(client, last, token);
        pages++;
        expect(page.totalNodes).toBeGreaterThan(29_000);
        for (const node of page.nodes) nodes.push(node.id);
        token = page.nextPageToken;
      } while (token);
      expect(pages).toBeGreaterThan(1);
      expect(nodes).toEqual(Array.from({ length: nodes.length }, (_, i) => i));
      expect(nodes.length).toBeGreaterThan(29_000);
      client.close();
    } finally {
      await server.stop();
    }
    expect(server.log()).not.toMatch(/heap out of memory/i);
  });
});
