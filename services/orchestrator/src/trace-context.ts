// W3C trace context for a search: one trace id per tree, sent to every model call as `traceparent`.
import { randomBytes } from 'node:crypto';

export interface TraceContext {
  traceId: string;
  traceparent: string;
}

export function newTraceContext(): TraceContext {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, traceparent: `00-${traceId}-${spanId}-01` };
}
