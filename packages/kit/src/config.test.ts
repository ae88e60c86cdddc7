import { describe, expect, it } from 'vitest';
import { ConfigError, env, readConfig } from './config.js';

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
