// `npm run build` bundles the CLI into dist/arbor.mjs, which must run on plain node (no tsx), as in an image.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTask } from '@arbor/tasks';
import { startArbor } from '../src/serve-process.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const bundle = fileURLToPath(new URL('../dist/arbor.mjs', import.meta.url));

beforeAll(() => {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: packageDir, stdio: 'pipe' });
});

describe('the bundled CLI', () => {
  it('loads no test framework: the benchmarks take their fake servers from @arbor/testing/fake-servers', () => {
    expect(readFileSync(bundle, 'utf8')).not.toMatch(/from ["']vitest["']/);
  });

  it('solves a puzzle with plain node', () => {
    const result = spawnSync(process.execPath, [bundle, 'solve', '--numbers', '3 3 8 8', '--json'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.solved).toBe(true);
    expect(getTask('countdown').verifyAnswer({ task: 'countdown', question: '3 3 8 8', params: {} }, out.answer)).toBe(true);
  });

  it('runs the demo from the bundled puzzle list', () => {
    const result = spawnSync(process.execPath, [bundle, 'demo', '--count', '2'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/2 3 5 12/);
    expect(result.stdout).toMatch(/solved \d\/2/);
  });

  it('serves all with the embedded models on worker threads loaded from dist/model-worker.mjs, and the gateway', async () => {
    const server = await startArbor('serve all', ['all'], { ...process.env, ARBOR_INPROC_WORKERS: '1' }, { entry: bundle });
    try {
      const { address } = server;
      const result = spawnSync(process.execPath, [bundle, 'solve', '--numbers', '4 9 10 13', '--server', address, '--json'], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout).solved).toBe(true);
      expect(server.log()).not.toMatch(/model worker failed/);
      // The gateway is in the bundle too (Fastify comes from node_modules, as in the image), in front of it.
      const models = await fetch(`http://${server.gatewayAddress!}/v1/models`);
      expect(models.status).toBe(200);
      expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toContain('arbor-mcts');
      expect((await fetch(`http://${server.gatewayAddress!}/readyz`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
