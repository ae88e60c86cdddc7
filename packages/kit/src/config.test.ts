import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, env, readConfig, unquoted } from './config.js';

/** Writes `content` (JSON unless a string) to a fresh file and returns its path. */
function configFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'arbor-config-')), 'arbor.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The message of the ConfigError `read` throws. */
function configError(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const shape = {
  ARBOR_TEST_LISTEN: env.address('127.0.0.1:50052'),
  ARBOR_TEST_RATE: env.number(0, 0, 1),
  ARBOR_TEST_COUNT: env.integer(3, 1, 10),
  ARBOR_TEST_MODE: env.oneOf(['a', 'b'] as const, 'a'),
  ARBOR_TEST_FLAG: env.boolean(false),
};

describe('readConfig', () => {
  it('fills defaults when variables are unset or empty', () => {
    expect(readConfig(shape, { ARBOR_TEST_RATE: '' })).toEqual({
      ARBOR_TEST_LISTEN: '127.0.0.1:50052',
      ARBOR_TEST_RATE: 0,
      ARBOR_TEST_COUNT: 3,
      ARBOR_TEST_MODE: 'a',
      ARBOR_TEST_FLAG: false,
    });
  });

  it('parses set values', () => {
    const config = readConfig(shape, {
      ARBOR_TEST_LISTEN: '[::1]:0',
      ARBOR_TEST_RATE: '0.25',
      ARBOR_TEST_COUNT: '7',
      ARBOR_TEST_MODE: 'b',
      ARBOR_TEST_FLAG: 'true',
    });
    expect(config).toEqual({
      ARBOR_TEST_LISTEN: '[::1]:0',
      ARBOR_TEST_RATE: 0.25,
      ARBOR_TEST_COUNT: 7,
      ARBOR_TEST_MODE: 'b',
      ARBOR_TEST_FLAG: true,
    });
  });

  it.each([
    ['ARBOR_TEST_RATE', 'abc', /ARBOR_TEST_RATE: .*number.*\(got "abc"\)/],
    ['ARBOR_TEST_RATE', '1.5', /ARBOR_TEST_RATE: expected a number between 0 and 1 \(got "1.5"\)/],
    ['ARBOR_TEST_COUNT', '2.5', /ARBOR_TEST_COUNT: expected an integer between 1 and 10/],
    ['ARBOR_TEST_LISTEN', 'localhost', /ARBOR_TEST_LISTEN: expected HOST:PORT/],
    ['ARBOR_TEST_LISTEN', '127.0.0.1:70000', /ARBOR_TEST_LISTEN: port must be at most 65535/],
    ['ARBOR_TEST_MODE', 'c', /ARBOR_TEST_MODE: expected one of a, b/],
    ['ARBOR_TEST_FLAG', 'maybe', /ARBOR_TEST_FLAG: expected true or false/],
  ])('names %s when it is %s', (key, value, message) => {
    expect(() => readConfig(shape, { [key]: value })).toThrow(ConfigError);
    expect(() => readConfig(shape, { [key]: value })).toThrow(message);
  });
});

describe('readConfig with ARBOR_CONFIG_FILE', () => {
  it('takes settings from the file, strings, numbers and booleans alike, and ignores keys the shape does not read', () => {
    const path = configFile({
      ARBOR_TEST_LISTEN: '0.0.0.0:9000',
      ARBOR_TEST_RATE: 0.5,
      ARBOR_TEST_COUNT: 4,
      ARBOR_TEST_FLAG: true,
      ARBOR_POLICY_MODEL: 'Qwen/Qwen2.5-Math-7B-Instruct',
    });
    expect(readConfig(shape, { ARBOR_CONFIG_FILE: path })).toEqual({
      ARBOR_TEST_LISTEN: '0.0.0.0:9000',
      ARBOR_TEST_RATE: 0.5,
      ARBOR_TEST_COUNT: 4,
      ARBOR_TEST_MODE: 'a',
      ARBOR_TEST_FLAG: true,
    });
  });

  it('lets the environment override the file, an empty variable falling back to it', () => {
    const path = configFile({ ARBOR_TEST_RATE: 0.5, ARBOR_TEST_MODE: 'b', ARBOR_TEST_COUNT: 9 });
    const config = readConfig(shape, { ARBOR_CONFIG_FILE: path, ARBOR_TEST_RATE: '0.25', ARBOR_TEST_MODE: '' });
    expect(config).toMatchObject({ ARBOR_TEST_RATE: 0.25, ARBOR_TEST_MODE: 'b', ARBOR_TEST_COUNT: 9 });
  });

  it('says when a bad value came from the file', () => {
    const path = configFile({ ARBOR_TEST_RATE: 'hot', ARBOR_TEST_FLAG: false });
    expect(configError(() => readConfig(shape, { ARBOR_CONFIG_FILE: path }))).toBe(
      `invalid configuration: ARBOR_TEST_RATE: expected a number (got "hot", from ${path})`,
    );
    const temperature = { ARBOR_POLICY_TEMPERATURE: env.number(0.7, 0, 2) };
    const hot = configFile({ ARBOR_POLICY_TEMPERATURE: 3 });
    expect(configError(() => readConfig(temperature, { ARBOR_CONFIG_FILE: hot }))).toContain(
      `ARBOR_POLICY_TEMPERATURE: expected a number between 0 and 2 (got "3", from ${hot})`,
    );
    // The same value from the environment names no file.
    expect(configError(() => readConfig(temperature, { ARBOR_CONFIG_FILE: hot, ARBOR_POLICY_TEMPERATURE: '5' }))).toContain(
      'ARBOR_POLICY_TEMPERATURE: expected a number between 0 and 2 (got "5")',
    );
  });

  it('names ARBOR_CONFIG_FILE and the path when the file cannot be read or is not JSON', () => {
    const missing = join(tmpdir(), 'arbor-no-such-dir', 'arbor.json');
    expect(configError(() => readConfig(shape, { ARBOR_CONFIG_FILE: missing }))).toMatch(
      new RegExp(`^ARBOR_CONFIG_FILE: cannot read "${missing}" \\(ENOENT`),
    );
    const broken = configFile('{"ARBOR_TEST_RATE": 0.5,');
    expect(configError(() => readConfig(shape, { ARBOR_CONFIG_FILE: broken }))).toMatch(`ARBOR_CONFIG_FILE: "${broken}" is not valid JSON`);
    const list = configFile([{ ARBOR_TEST_RATE: 0.5 }]);
    expect(configError(() => readConfig(shape, { ARBOR_CONFIG_FILE: list }))).toContain(`"${list}" must hold one JSON object of settings`);
  });

  it.each([
    [{ arbor_test_rate: 0.5 }, '"arbor_test_rate" is not a setting name'],
    [{ 'ARBOR TEST': 1 }, '"ARBOR TEST" is not a setting name'],
    [{ policy: { ARBOR_POLICY_MODEL: 'm' } }, '"policy" is not a setting name'],
    [{ ARBOR_UNUSED: { nested: true } }, 'ARBOR_UNUSED must be a string, number or boolean (got an object)'],
    [{ ARBOR_TEST_RATE: [0.5] }, 'ARBOR_TEST_RATE must be a string, number or boolean (got an array)'],
    [{ ARBOR_TEST_RATE: null }, 'ARBOR_TEST_RATE must be a string, number or boolean (got null)'],
  ])('refuses the file %j, naming the key and the file', (content, message) => {
    const path = configFile(content);
    const text = configError(() => readConfig(shape, { ARBOR_CONFIG_FILE: path }));
    expect(text).toContain(`ARBOR_CONFIG_FILE: "${path}": `);
    expect(text).toContain(message);
  });

  it('reads no file when ARBOR_CONFIG_FILE is unset or empty', () => {
    expect(readConfig(shape, { ARBOR_CONFIG_FILE: '' }).ARBOR_TEST_COUNT).toBe(3);
  });
});

describe('env.url', () => {
  const urls = { ARBOR_TEST_URL: env.url(), ARBOR_TEST_DEFAULT_URL: env.url('http://127.0.0.1:8000/v1') };

  it('is empty when unset (or the fallback), and takes http and https URLs', () => {
    expect(readConfig(urls, {})).toEqual({ ARBOR_TEST_URL: '', ARBOR_TEST_DEFAULT_URL: 'http://127.0.0.1:8000/v1' });
    expect(readConfig(urls, { ARBOR_TEST_URL: 'https://api.openai.com/v1', ARBOR_TEST_DEFAULT_URL: 'http://[::1]:8000' })).toEqual({
      ARBOR_TEST_URL: 'https://api.openai.com/v1',
      ARBOR_TEST_DEFAULT_URL: 'http://[::1]:8000',
    });
  });

  it.each(['localhost:8000', '127.0.0.1:8000/v1', 'ftp://host/v1', 'http://', 'not a url'])('refuses %s', (value) => {
    expect(configError(() => readConfig(urls, { ARBOR_TEST_URL: value }))).toBe(
      `invalid configuration: ARBOR_TEST_URL: expected an http(s) URL (got "${value}")`,
    );
  });
  it('refuses a URL with credentials without quoting it, and names the setting for the key', () => {
    const keyed = { ARBOR_X_BASE_URL: env.url('', { keySetting: 'ARBOR_X_API_KEY_ENV' }) };
    for (const value of ['https://user:sk-SECRET@api.example/v1', 'http://sk-SECRET@127.0.0.1:8000/v1', 'http://:sk-SECRET@h/v1']) {
      expect(configError(() => readConfig(keyed, { ARBOR_X_BASE_URL: value }))).toBe(
        'invalid configuration: ARBOR_X_BASE_URL: must not hold credentials; put the key in the variable ARBOR_X_API_KEY_ENV names',
      );
    }
    expect(configError(() => readConfig(urls, { ARBOR_TEST_URL: 'http://u:p@h/v1' }))).toBe('invalid configuration: ARBOR_TEST_URL: must not hold credentials');
    // From a config file, the file is still named, the value still not quoted.
    const path = configFile({ ARBOR_X_BASE_URL: 'https://user:sk-SECRET@api.example/v1' });
    const fromFile = configError(() => readConfig(keyed, { ARBOR_CONFIG_FILE: path }));
    expect(fromFile).toBe(
      `invalid configuration: ARBOR_X_BASE_URL: must not hold credentials; put the key in the variable ARBOR_X_API_KEY_ENV names (from ${path})`,
    );
  });
});

describe('settings never quoted', () => {
  it('takes env.variableName as given (the service checks it), empty when unset', () => {
    const names = { ARBOR_TEST_API_KEY_ENV: env.variableName() };
    expect(readConfig(names, {})).toEqual({ ARBOR_TEST_API_KEY_ENV: '' });
    expect(readConfig(names, { ARBOR_TEST_API_KEY_ENV: 'sk-proj-SECRET' })).toEqual({ ARBOR_TEST_API_KEY_ENV: 'sk-proj-SECRET' });
  });

  it('leaves the value of an unquoted setting out of the error', () => {
    const shape = { ARBOR_TEST_KEY_ENV: unquoted(env.integer(1)) };
    expect(configError(() => readConfig(shape, { ARBOR_TEST_KEY_ENV: 'sk-proj-SECRET' }))).toBe(
      'invalid configuration: ARBOR_TEST_KEY_ENV: expected an integer',
    );
  });
});

describe('env.optionalNumber', () => {
  const numbers = { ARBOR_TEST_TOP_P: env.optionalNumber(0, 1), ARBOR_TEST_ANY: env.optionalNumber() };

  it('is undefined when unset, a number when set', () => {
    expect(readConfig(numbers, { ARBOR_TEST_TOP_P: '' })).toEqual({ ARBOR_TEST_TOP_P: undefined, ARBOR_TEST_ANY: undefined });
    expect(readConfig(numbers, { ARBOR_TEST_TOP_P: '0.9', ARBOR_TEST_ANY: '-1e3' })).toEqual({ ARBOR_TEST_TOP_P: 0.9, ARBOR_TEST_ANY: -1000 });
    expect(readConfig(numbers, { ARBOR_CONFIG_FILE: configFile({ ARBOR_TEST_TOP_P: 1 }) }).ARBOR_TEST_TOP_P).toBe(1);
  });

  it.each([
    ['1.5', 'expected a number between 0 and 1'],
    ['abc', 'expected a number'],
    ['Infinity', 'expected a number'],
  ])('refuses %s', (value, message) => {
    expect(configError(() => readConfig(numbers, { ARBOR_TEST_TOP_P: value }))).toContain(`ARBOR_TEST_TOP_P: ${message}`);
  });
});

describe('env.stringList', () => {
  const lists = { ARBOR_TEST_STOP: env.stringList(['\n\n']) };

  it('falls back to a copy of the default, and parses a JSON array of strings', () => {
    const first = readConfig(lists, {});
    expect(first.ARBOR_TEST_STOP).toEqual(['\n\n']);
    first.ARBOR_TEST_STOP.push('changed');
    expect(readConfig(lists, {}).ARBOR_TEST_STOP).toEqual(['\n\n']);
    expect(readConfig(lists, { ARBOR_TEST_STOP: '["\\n\\n", "Step"]' }).ARBOR_TEST_STOP).toEqual(['\n\n', 'Step']);
    expect(readConfig(lists, { ARBOR_TEST_STOP: '[]' }).ARBOR_TEST_STOP).toEqual([]);
  });

  it('takes the list from a config file as a JSON string', () => {
    const path = configFile({ ARBOR_TEST_STOP: JSON.stringify(['</step>']) });
    expect(readConfig(lists, { ARBOR_CONFIG_FILE: path }).ARBOR_TEST_STOP).toEqual(['</step>']);
  });

  it.each(['\n\n', '["a", 1]', '{"a": "b"}', '"a"'])('refuses %s', (value) => {
    expect(configError(() => readConfig(lists, { ARBOR_TEST_STOP: value }))).toContain('ARBOR_TEST_STOP: expected a JSON array of strings');
  });
});
