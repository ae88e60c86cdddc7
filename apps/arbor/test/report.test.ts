// What the CLI prints for results and notices, as plain functions.
import { describe, expect, it } from 'vitest';
import { dollars } from '../src/cli/report.js';
import { sharedNatsWarning } from '../src/up/command.js';

describe('dollars', () => {
  it('drops the binary noise of summed float prices', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(dollars(0.1 + 0.2)).toBe(0.3);
    expect(dollars(0.0002 + 0.0013557750000000003)).toBe(0.001555775);
    expect(dollars(0)).toBe(0);
    expect(dollars(12.5)).toBe(12.5);
  });
});

describe('arbor up joining a NATS server that already runs', () => {
  it('says so, and suggests a namespace when there is none', () => {
    expect(sharedNatsWarning('nats://127.0.0.1:4222', {})).toBe(
      'a NATS server already answers at nats://127.0.0.1:4222: joining it with the default subjects (no ARBOR_NATS_NAMESPACE), with the NATS_* ' +
        'credentials of the environment; if another Arbor stack uses this server, set ARBOR_NATS_NAMESPACE to keep the two apart',
    );
    expect(sharedNatsWarning('nats://n:4222', { ARBOR_NATS_NAMESPACE: 'dev' })).toBe(
      'a NATS server already answers at nats://n:4222: joining it with namespace "dev", with the NATS_* credentials of the environment',
    );
  });
});
