// POST /v1/chat/completions: one search per request, answered as a chat.completion or, with stream: true, as
// server-sent events. While the search runs, its progress goes out as SSE comment lines (": arbor.progress
// {...}"), which every OpenAI client's SSE parser skips; then the answer as content deltas; then [DONE].
import { randomUUID } from 'node:crypto';
import type { SearchProgress__Output, SearchResult__Output } from '@arbor/contracts';
import { DeadlineExceededError } from '@arbor/kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readChatRequest, type ChatRequest } from './chat-request.js';
import { arborFiguresOf, choicesOf, completionId, toChatCompletion, usageOf } from './completion.js';
import { httpErrorOf, modelNotFound, sendError } from './errors.js';
import type { Orchestrator } from './orchestrator.js';
import type { Preset } from './presets.js';

/** Comment lines between progress reports at most this often keep proxies from timing an idle stream out. */
const PROGRESS_EVERY_MS = 250;

/** A budget's deadline ran out before the search had any answer: OpenAI's 504, not an empty 200. */
function withoutAnswerAtDeadline(result: SearchResult__Output): boolean {
  return result.answer === '' && result.stopReason === 'STOP_REASON_DEADLINE';
}

function deadlineError(result: SearchResult__Output): DeadlineExceededError {
  return new DeadlineExceededError(`search ${result.searchId} reached its deadline before it found an answer`);
}

export function progressLine(progress: SearchProgress__Output): string {
  const stats = progress.stats;
  const figures = {
    search_id: progress.searchId,
    expansions: stats?.expansions ?? 0,
    nodes: stats?.nodes ?? 0,
    model_calls: stats?.modelCalls ?? 0,
    prompt_tokens: stats?.inputTokens ?? 0,
    completion_tokens: stats?.outputTokens ?? 0,
    cost_usd: stats?.costUsd ?? 0,
    best_score: progress.bestScore,
    wall_ms: Math.round(stats?.wallMs ?? 0),
  };
  return `: arbor.progress ${JSON.stringify(figures)}\n\n`;
}

/** The chunks of a finished search: per choice a role, its lines as content, its finish reason; usage if asked. */
export function resultChunks(chat: ChatRequest, result: SearchResult__Output, now: number = Date.now()): object[] {
  const base = { id: completionId(result), object: 'chat.completion.chunk', created: Math.floor(now / 1000), model: chat.preset.id };
  const chunks: object[] = [];
  const choices = choicesOf(result, chat.maxTokens);
  for (const choice of choices) {
    chunks.push({ ...base, choices: [{ index: choice.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
    const lines = choice.message.content.split('\n');
    lines.forEach((line, i) => {
      const content = i < lines.length - 1 ? `${line}\n` : line;
      if (content !== '') chunks.push({ ...base, choices: [{ index: choice.index, delta: { content }, logprobs: null, finish_reason: null }] });
    });
  }
  const last = choices.map((choice) => ({ index: choice.index, delta: {}, logprobs: null, finish_reason: choice.finish_reason }));
  chunks.push({ ...base, choices: last, arbor: arborFiguresOf(result) });
  if (chat.includeUsage) chunks.push({ ...base, choices: [], usage: usageOf(result) });
  return chunks;
}

/** Aborts when the client goes away before the reply is complete: its search is then cancelled. */
function abortOnDisconnect(reply: FastifyReply): { signal: AbortSignal; done(): void } {
  const abort = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) abort.abort();
  };
  reply.raw.on('close', onClose);
  return { signal: abort.signal, done: () => reply.raw.off('close', onClose) };
}

async function answer(chat: ChatRequest, request: FastifyRequest, reply: FastifyReply, orchestrator: Orchestrator): Promise<unknown> {
  const { authorization } = request.headers;
  const disconnect = abortOnDisconnect(reply);
  try {
    const result = await orchestrator.search(chat.search, { signal: disconnect.signal, ...(authorization && { authorization }) });
    if (withoutAnswerAtDeadline(result)) return sendError(reply, httpErrorOf(deadlineError(result)));
    return reply.header('x-arbor-search-id', result.searchId).send(toChatCompletion(chat.preset.id, result, chat.maxTokens));
  } finally {
    disconnect.done();
  }
}

async function stream(chat: ChatRequest, request: FastifyRequest, reply: FastifyReply, orchestrator: Orchestrator): Promise<void> {
  const { authorization } = request.headers;
  const searchId = chat.search.searchId ?? '';
  const disconnect = abortOnDisconnect(reply);
  // The status line waits for the search's first sign of life: an error before it (a bad field, a refused token,
  // admission) still gets its own HTTP status.
  let opened = false;
  let lastWrite = 0;
  const open = () => {
    if (opened) return;
    opened = true;
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-arbor-search-id': searchId,
    });
  };
  const write = (text: string) => {
    if (!reply.raw.writableEnded) reply.raw.write(text);
    lastWrite = Date.now();
  };
  /** Past the status line, an error goes as a data event in OpenAI's error shape, which its clients raise. */
  const fail = (err: unknown) => {
    if (!disconnect.signal.aborted) write(`data: ${JSON.stringify(httpErrorOf(err).body)}\n\n`);
    reply.raw.end();
  };
  try {
    let result: SearchResult__Output;
    try {
      result = await orchestrator.search(chat.search, {
        signal: disconnect.signal,
        ...(authorization && { authorization }),
        onProgress: (progress) => {
          open();
          if (Date.now() - lastWrite >= PROGRESS_EVERY_MS) write(progressLine(progress));
        },
      });
      if (withoutAnswerAtDeadline(result)) throw deadlineError(result);
    } catch (err) {
      if (opened) fail(err);
      else sendError(reply, httpErrorOf(err));
      return;
    }
    open();
    try {
      for (const chunk of resultChunks(chat, result)) write(`data: ${JSON.stringify(chunk)}\n\n`);
      write('data: [DONE]\n\n');
      reply.raw.end();
    } catch (err) {
      fail(err);
    }
  } finally {
    disconnect.done();
  }
}

export function registerChatCompletions(app: FastifyInstance, presets: readonly Preset[], orchestrator: Orchestrator): void {
  const byId = new Map(presets.map((p) => [p.id, p]));
  app.post('/v1/chat/completions', async (request, reply) => {
    try {
      const chat = readChatRequest(request.body, byId);
      if ('unknownModel' in chat) return sendError(reply, modelNotFound(chat.unknownModel, [...byId.keys()]));
      // The gateway names the search, so that a stream can say which one it is before the first progress event.
      chat.search.searchId = randomUUID();
      if (chat.stream) return stream(chat, request, reply, orchestrator);
      return await answer(chat, request, reply, orchestrator);
    } catch (err) {
      return sendError(reply, httpErrorOf(err));
    }
  });
}
