// Small pieces the orchestrator's and the app's tests share: a quiet logger, a countdown search request, and a
// NATS namespace of a test's own.
import { randomUUID } from 'node:crypto';
import type { SearchRequest } from '@arbor/contracts';
import { createLogger } from '@arbor/kit';

export const silent = createLogger('test', { level: 'silent' });

/** Game of 24 on `numbers` (e.g. "4 9 10 13"), seeded, with the server's default algorithm. */
export function countdownRequest(numbers: string, extra: Partial<SearchRequest> = {}): SearchRequest {
  return { problem: { task: 'countdown', question: numbers, params: { target: '24' } }, seed: '7', ...extra };
}

/** A NATS namespace no other test run uses, so tests can share one NATS server. */
export function testNamespace(): string {
  return `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}
