// The price table: file format, precedence of the env variables, and messages that name the bad setting.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.js';
import { costOf, parsePricesFile, pricesFileSetting, priceSetting, readServicePrices, ServicePrices } from './pricing.js';

function pricesFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'arbor-prices-'));
  const path = join(dir, 'prices.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const FILE = {
  policy: {
    openai: { 'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 }, '*': { input_per_mtok: 2.5, output_per_mtok: 10 } },
    embedded: { '*': { input_per_mtok: 1, output_per_mtok: 2, per_call: 0.001 } },
  },
  reward: { embedded: { '*': { per_call: 0.0005 } } },
};

describe('costOf', () => {
  it('prices tokens per million and adds the per-call price once per call', () => {
    const price = { inputPerMTok: 1, outputPerMTok: 2, perCall: 0.001 };
    expect(costOf(price, { inputTokens: 1_000_000, outputTokens: 500_000 })).toBeCloseTo(2.001, 12);
    expect(costOf(price, { inputTokens: 0, outputTokens: 0, calls: 3 })).toBeCloseTo(0.003, 12);
    expect(costOf(price, {})).toBeCloseTo(0.001, 12);
  });
});

describe('cached input tokens', () => {
  it('are priced at the cached rate, the rest of the input at the input rate; without a cached rate, as input', () => {
    const price = { inputPerMTok: 2.5, cachedInputPerMTok: 1.25, outputPerMTok: 10, perCall: 0 };
    // 1 M input of which 800 k cached: 200 k × 2.5 + 800 k × 1.25, plus 100 k output × 10.
    expect(costOf(price, { inputTokens: 1_000_000, cachedInputTokens: 800_000, outputTokens: 100_000 })).toBeCloseTo(0.5 + 1 + 1, 12);
    expect(costOf({ inputPerMTok: 2.5, outputPerMTok: 10, perCall: 0 }, { inputTokens: 1_000_000, cachedInputTokens: 800_000 })).toBeCloseTo(2.5, 12);
    // A reply claiming more cached than input tokens is priced on its input alone, all of it cached.
    expect(costOf(price, { inputTokens: 1_000, cachedInputTokens: 5_000 })).toBeCloseTo(0.00125, 12);
  });

  it('take their rate from the file (cached_input_per_mtok) or ARBOR_<SERVICE>_PRICE_CACHED_INPUT_PER_MTOK', () => {
    const file = { policy: { openai: { '*': { input_per_mtok: 2.5, cached_input_per_mtok: 1.25, output_per_mtok: 10 } } } };
    expect(readServicePrices('policy', { ARBOR_PRICES_FILE: pricesFile(file) }).lookup('openai', 'gpt-4o')).toEqual({
      inputPerMTok: 2.5,
      cachedInputPerMTok: 1.25,
      outputPerMTok: 10,
      perCall: 0,
    });
    const fromEnv = readServicePrices('policy', { ARBOR_POLICY_PRICE_INPUT_PER_MTOK: '1', ARBOR_POLICY_PRICE_CACHED_INPUT_PER_MTOK: '0.1' });
    const usage = { inputTokens: 1_000_000, cachedInputTokens: 1_000_000, outputTokens: 0, costUsd: 0 };
    expect(fromEnv.apply('vllm', usage)).toBeCloseTo(0.1, 12);
    expect(() => readServicePrices('policy', { ARBOR_POLICY_PRICE_CACHED_INPUT_PER_MTOK: '-1' })).toThrow(/ARBOR_POLICY_PRICE_CACHED_INPUT_PER_MTOK/);
  });
});

describe('readServicePrices', () => {
  it('looks a model up in the file, then the backend\'s "*" entry, else leaves the cost alone', () => {
    const env = { ARBOR_PRICES_FILE: pricesFile(FILE) };
    const policy = readServicePrices('policy', env);
    expect(policy.lookup('openai', 'gpt-4o-mini')).toEqual({ inputPerMTok: 0.15, outputPerMTok: 0.6, perCall: 0 });
    expect(policy.lookup('openai', 'gpt-4o')).toEqual({ inputPerMTok: 2.5, outputPerMTok: 10, perCall: 0 });
    expect(policy.lookup('vllm', 'qwen')).toBeUndefined();
    expect(readServicePrices('value', env).lookup('embedded', 'x')).toBeUndefined();

    const usage = { inputTokens: 2_000, outputTokens: 1_000, calls: 1, costUsd: 0, model: 'embedded/countdown-policy' };
    expect(policy.apply('embedded', usage)).toBeCloseTo(0.002 + 0.002 + 0.001, 12);
    expect(usage.costUsd).toBeCloseTo(0.005, 12);

    // A backend that reports its own cost keeps it when nothing is configured for it.
    const own = { inputTokens: 10, outputTokens: 10, costUsd: 0.25, model: 'm' };
    expect(policy.apply('vllm', own)).toBe(0.25);
  });

  it('lets each ARBOR_<SERVICE>_PRICE_* set override that field of the file for every backend and model of that service', () => {
    const prices = readServicePrices('reward', {
      ARBOR_PRICES_FILE: pricesFile(FILE),
      ARBOR_REWARD_PRICE_INPUT_PER_MTOK: '3',
      ARBOR_POLICY_PRICE_INPUT_PER_MTOK: '99',
    });
    // The file's per-call price of the embedded reward stays: only the input price was set.
    expect(prices.lookup('embedded', 'anything')).toEqual({ inputPerMTok: 3, outputPerMTok: 0, perCall: 0.0005 });
    expect(prices.lookup('other', '')).toEqual({ inputPerMTok: 3, outputPerMTok: 0, perCall: 0 });
  });

  it('prices nothing by default', () => {
    const prices = readServicePrices('policy', {});
    expect(prices).toBeInstanceOf(ServicePrices);
    expect(prices.lookup('embedded', 'embedded/countdown-policy')).toBeUndefined();
  });

  it.each([
    [{ ARBOR_POLICY_PRICE_INPUT_PER_MTOK: '-1' }, /ARBOR_POLICY_PRICE_INPUT_PER_MTOK: expected a number of USD ≥ 0 \(got "-1"\)/],
    [{ ARBOR_POLICY_PRICE_PER_CALL: 'cheap' }, /ARBOR_POLICY_PRICE_PER_CALL: .*\(got "cheap"\)/],
    [{ ARBOR_PRICES_FILE: '/nonexistent/prices.json' }, /ARBOR_PRICES_FILE: "\/nonexistent\/prices.json": cannot read it \(ENOENT/],
  ])('refuses %j with a message naming the setting', (env, message) => {
    expect(() => readServicePrices('policy', env)).toThrow(ConfigError);
    expect(() => readServicePrices('policy', env)).toThrow(message);
  });
});

describe('the prices file', () => {
  it.each([
    ['{not json', /ARBOR_PRICES_FILE: "prices file": not valid JSON/],
    [{ policy: { embedded: { '*': { input_per_mtok: -2 } } } }, /policy\.embedded\.\*\.input_per_mtok: expected a number ≥ 0/],
    [{ policy: { embedded: { '*': { input_per_token: 1 } } } }, /policy\.embedded\.\*: .*input_per_token/],
    [{ judge: {} }, /judge/],
    [{ value: { embedded: { '*': { per_call: '0.1' } } } }, /value\.embedded\.\*\.per_call: expected a number of USD/],
  ])('rejects %j naming the field', (content, message) => {
    const text = typeof content === 'string' ? content : JSON.stringify(content);
    expect(() => parsePricesFile(text)).toThrow(message);
  });

  it('is validated at start as part of a service config, naming ARBOR_PRICES_FILE', () => {
    const shape = { ARBOR_PRICES_FILE: pricesFileSetting(), ARBOR_VALUE_PRICE_PER_CALL: priceSetting() };
    const bad = pricesFile({ value: { embedded: { '*': { per_call: -1 } } } });
    expect(() => readConfig(shape, { ARBOR_PRICES_FILE: bad })).toThrow(
      `invalid configuration: ARBOR_PRICES_FILE: in "${bad}": value.embedded.*.per_call: expected a number ≥ 0 (got -1)`,
    );
    expect(readConfig(shape, { ARBOR_PRICES_FILE: pricesFile(FILE), ARBOR_VALUE_PRICE_PER_CALL: '0.5' })).toMatchObject({
      ARBOR_VALUE_PRICE_PER_CALL: 0.5,
    });
  });
});
