// The HTTP API: OpenAI's /v1/models and /v1/chat/completions over the orchestrator's Search, and /healthz.
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { InvalidArgumentError } from '@arbor/kit';
import { toChatCompletion } from './completion.js';
import { httpErrorOf, modelNotFound, openAiError, type HttpError } from './errors.js';
import type { Searcher } from './orchestrator.js';
import { buildSearchRequest, readOverrides, type Preset } from './presets.js';
import { parseQuestion } from './question.js';

export interface GatewayAppOptions {
  presets: readonly Preset[];
  searcher: Searcher;
  /** Seconds since the epoch reported as each model's `created`. */
  createdAt?: number;
  logger?: boolean;
}

function send(reply: FastifyReply, error: HttpError): FastifyReply {
  return reply.code(error.status).headers(error.headers).send(error.body);
}

/** The text of a message's content: a string, or the text parts of an array of content parts. */
function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (part && typeof part === 'object' && (part as { type?: unknown }).type === 'text' ? String((part as { text?: unknown }).text ?? '') : '')).join('');
  }
  return undefined;
}

/** The last user message's text; an InvalidArgumentError naming `messages` when there is none. */
export function lastUserMessage(messages: unknown): string {
  if (!Array.isArray(messages) || messages.length === 0) throw new InvalidArgumentError('messages', 'expected a non-empty array of messages');
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: unknown; content?: unknown } | null;
    if (message && message.role === 'user') {
      const text = textOf(message.content);
      if (text === undefined) throw new InvalidArgumentError(`messages[${i}].content`, 'expected a string or text parts');
      return text;
    }
  }
  throw new InvalidArgumentError('messages', 'no message with role user');
}

export function buildGatewayApp(options: GatewayAppOptions): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024 });
  const presets = new Map(options.presets.map((p) => [p.id, p]));
  const created = options.createdAt ?? Math.floor(Date.now() / 1000);

  app.setErrorHandler((err: { statusCode?: number; message?: string }, _request, reply) => {
    // Fastify's own (a body that is not JSON, too large): a 4xx in OpenAI's shape, never quoting the body.
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    return send(reply, status === 500 ? httpErrorOf(err) : openAiError(status, 'the request body could not be read as JSON', 'invalid_request_error'));
  });
  app.setNotFoundHandler((request, reply) => send(reply, openAiError(404, `no route ${request.method} ${request.url.split('?')[0]}`, 'invalid_request_error', null, 'not_found')));

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/v1/models', async () => ({
    object: 'list',
    data: [...presets.values()].map((p) => ({ id: p.id, object: 'model', created, owned_by: 'arbor' })),
  }));

  app.get<{ Params: { id: string } }>('/v1/models/:id', async (request, reply) => {
    const preset = presets.get(request.params.id);
    if (!preset) return send(reply, modelNotFound(request.params.id, [...presets.keys()]));
    return { id: preset.id, object: 'model', created, owned_by: 'arbor' };
  });

  app.post('/v1/chat/completions', async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    try {
      if (!body || typeof body !== 'object') throw new InvalidArgumentError('body', 'expected a JSON object');
      if (typeof body.model !== 'string' || body.model === '') throw new InvalidArgumentError('model', 'expected the name of a model (a preset) as a string');
      const preset = presets.get(body.model);
      if (!preset) return send(reply, modelNotFound(body.model, [...presets.keys()]));
      if (body.stream === true) throw new InvalidArgumentError('stream', 'streaming is not supported yet');
      // `arbor` at the top level is what OpenAI's Python SDK sends for extra_body={'arbor': ...}; a literal
      // `extra_body` field is what the Node SDK sends when given the Python spelling, so it is read too.
      const extra = body.extra_body as { arbor?: unknown } | undefined;
      const overrides = readOverrides(body.arbor ?? (extra && typeof extra === 'object' ? extra.arbor : undefined));
      const problem = parseQuestion(preset.task, lastUserMessage(body.messages));
      const searchRequest = buildSearchRequest(preset, overrides, problem);
      // A client that goes away cancels its search.
      const abort = new AbortController();
      const onClose = () => {
        if (!reply.raw.writableFinished) abort.abort();
      };
      reply.raw.on('close', onClose);
      try {
        const authorization = request.headers.authorization;
        const result = await options.searcher.search(searchRequest, { signal: abort.signal, ...(authorization && { authorization }) });
        return toChatCompletion(preset.id, result);
      } finally {
        reply.raw.off('close', onClose);
      }
    } catch (err) {
      return send(reply, httpErrorOf(err));
    }
  });

  return app;
}
