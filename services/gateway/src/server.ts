// The HTTP app: probes, OpenAI's /v1/models and /v1/chat/completions (chat-route.ts), and the tree viewer's API
// (ui-api.ts). Each route family lives in its own module; this one only puts them together.
import Fastify, { type FastifyInstance } from 'fastify';
import { registerChatCompletions } from './chat-route.js';
import { httpErrorOf, modelNotFound, openAiError, sendError } from './errors.js';
import type { Orchestrator } from './orchestrator.js';
import type { Preset } from './presets.js';
import type { ReadinessCheck } from './readiness.js';
import { registerUiApi } from './ui-api.js';
import { registerUiStatic } from './ui-static.js';

export interface GatewayAppOptions {
  presets: readonly Preset[];
  orchestrator: Orchestrator;
  /** Seconds since the epoch reported as each model's `created`. */
  createdAt?: number;
  logger?: boolean;
  /** What GET /readyz answers from (the orchestrator's health); without one, /readyz answers 200. */
  readiness?: ReadinessCheck;
  /** The viewer's trace link template (ARBOR_GATEWAY_TRACE_URL); empty: none. */
  traceUrl?: string;
}

export function buildGatewayApp(options: GatewayAppOptions): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024 });
  const presets = new Map(options.presets.map((p) => [p.id, p]));
  const created = options.createdAt ?? Math.floor(Date.now() / 1000);

  app.setErrorHandler((err: { statusCode?: number; message?: string }, _request, reply) => {
    // Fastify's own (a body that is not JSON, too large): a 4xx in OpenAI's shape, never quoting the body.
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return sendError(reply, status === 500 ? httpErrorOf(err) : openAiError(status, 'the request body could not be read as JSON', 'invalid_request_error'));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, openAiError(404, `no route ${request.method} ${request.url.split('?')[0]}`, 'invalid_request_error', null, 'not_found')),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const report = options.readiness ? await options.readiness() : { ready: true };
    return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not ready', ...report });
  });

  app.get('/v1/models', async () => ({
    object: 'list',
    data: [...presets.values()].map((p) => ({ id: p.id, object: 'model', created, owned_by: 'arbor' })),
  }));

  app.get<{ Params: { id: string } }>('/v1/models/:id', async (request, reply) => {
    const preset = presets.get(request.params.id);
    if (!preset) return sendError(reply, modelNotFound(request.params.id, [...presets.keys()]));
    return { id: preset.id, object: 'model', created, owned_by: 'arbor' };
  });

  registerChatCompletions(app, options.presets, options.orchestrator);
  registerUiApi(app, { orchestrator: options.orchestrator, traceUrl: options.traceUrl ?? '' });
  registerUiStatic(app);

  return app;
}
