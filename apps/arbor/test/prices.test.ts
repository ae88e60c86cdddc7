// Prices reach the cost: each model service prices its own responses from the price table, the orchestrator
// adds them up per service and per tree, and a bad price setting stops a service at start, naming the setting.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { arborV1, type SearchRequest } from '@arbor/contracts';
import { composeOrchestrator } from '../src/compose/services.js';
import { countdownRequest, silent } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));

const decode = (request: SearchRequest) => {
  const method = arborV1().SearchService.service.Search;
  return method.requestDeserialize(method.requestSerialize(request));
};

afterEach(() => {
  vi.unstubAllEnvs();
});

async function solve() {
  // Handlers read their prices when built, so the stack is built after the environment is set.
  const stack = composeOrchestrator(process.env, silent);
  const result = await stack.runner.search(decode(countdownRequest('4 9 10 13')));
  const cost = Object.fromEntries((result.cost ?? []).map((c) => [c.service, c]));
  return { result, cost };
}

describe('the price table', () => {
  it('leaves the embedded models free unless priced', async () => {
    const { result } = await solve();
    expect(result.stats?.costUsd).toBe(0);
  });

  it('prices per call and per token, per service, and the tree\'s cost is their sum', async () => {
    vi.stubEnv('ARBOR_VALUE_PRICE_PER_CALL', '0.25');
    vi.stubEnv('ARBOR_POLICY_PRICE_INPUT_PER_MTOK', '2');
    vi.stubEnv('ARBOR_POLICY_PRICE_OUTPUT_PER_MTOK', '8');
    const { result, cost } = await solve();
    expect(cost.value?.costUsd).toBeCloseTo(0.25 * cost.value!.calls!, 12);
    expect(cost.policy?.costUsd).toBeCloseTo((cost.policy!.inputTokens! * 2 + cost.policy!.outputTokens! * 8) / 1e6, 12);
    expect(cost.reward?.costUsd).toBe(0);
    expect(result.stats?.costUsd).toBeCloseTo(Number(cost.value?.costUsd) + Number(cost.policy?.costUsd), 12);
  });

  it('takes prices per backend and model from ARBOR_PRICES_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arbor-prices-'));
    const file = join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ reward: { embedded: { 'embedded/countdown-reward': { per_call: 0.5 }, '*': { per_call: 99 } } } }));
    vi.stubEnv('ARBOR_PRICES_FILE', file);
    const { cost } = await solve();
    expect(cost.reward?.costUsd).toBeCloseTo(0.5 * cost.reward!.calls!, 12);
    expect(cost.policy?.costUsd).toBe(0);
  });

  it('stops `arbor serve` at start with a message naming the bad setting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arbor-prices-'));
    const file = join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ policy: { embedded: { '*': { input_per_mtok: -1 } } } }));
    const bad = spawnSync(process.execPath, [BIN, 'serve', 'policy', '--listen', '127.0.0.1:0'], {
      encoding: 'utf8',
      env: { ...process.env, ARBOR_PRICES_FILE: file },
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(`arbor: invalid configuration: ARBOR_PRICES_FILE: in "${file}": policy.embedded.*.input_per_mtok: expected a number ≥ 0 (got -1)\n`);
  });
});
