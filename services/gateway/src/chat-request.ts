// A POST /v1/chat/completions body read into what the gateway does with it: the preset, the SearchRequest, and
// the OpenAI parameters that shape the reply. Every bad field is an InvalidArgumentError naming it.
import type { SearchRequest } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit';
import { buildSearchRequest, readOverrides, type Preset } from './presets.js';
import { parseQuestion } from './question.js';

/** Choices one request may ask for (the orchestrator returns at most 100 distinct answers). */
export const MAX_N = 16;

export interface ChatRequest {
  preset: Preset;
  search: SearchRequest;
  /** Choices asked for: distinct answers, best first. */
  n: number;
  maxTokens?: number;
  stream: boolean;
  /** stream_options.include_usage: a last chunk with the usage and no choices. */
  includeUsage: boolean;
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

function positiveInteger(body: Record<string, unknown>, field: string, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new InvalidArgumentError(field, `expected an integer from 1 to ${max}`);
  }
  return value;
}

/**
 * Reads the body. `model` must name a preset (the caller answers 404 otherwise, so it is checked by the caller
 * through `presets`). Sampling parameters (temperature, top_p, stop, ...) are accepted and left to the presets: a
 * search samples many steps, and its own settings decide how.
 */
export function readChatRequest(body: unknown, presets: ReadonlyMap<string, Preset>): ChatRequest | { unknownModel: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidArgumentError('body', 'expected a JSON object');
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string' || fields.model === '') throw new InvalidArgumentError('model', 'expected the name of a model (a preset) as a string');
  const preset = presets.get(fields.model);
  if (!preset) return { unknownModel: fields.model };
  if (fields.stream !== undefined && fields.stream !== null && typeof fields.stream !== 'boolean') throw new InvalidArgumentError('stream', 'expected a boolean');
  const streamOptions = fields.stream_options as { include_usage?: unknown } | undefined | null;
  if (streamOptions !== undefined && streamOptions !== null && (typeof streamOptions !== 'object' || Array.isArray(streamOptions))) {
    throw new InvalidArgumentError('stream_options', 'expected an object');
  }
  const n = positiveInteger(fields, 'n', MAX_N) ?? 1;
  // max_completion_tokens is the current name; max_tokens the older one, still sent by many clients.
  const maxTokens = positiveInteger(fields, 'max_completion_tokens') ?? positiveInteger(fields, 'max_tokens');
  // `arbor` at the top level is what OpenAI's Python SDK sends for extra_body={'arbor': ...}; a literal
  // `extra_body` field is what the Node SDK sends when given the Python spelling, so it is read too.
  const extra = fields.extra_body as { arbor?: unknown } | undefined;
  const overrides = readOverrides(fields.arbor ?? (extra && typeof extra === 'object' ? extra.arbor : undefined));
  // OpenAI's own seed, when the arbor object names none: evaluation harnesses send it for repeatable runs.
  if (overrides.seed === undefined && fields.seed !== undefined && fields.seed !== null) {
    if (typeof fields.seed !== 'number' || !Number.isSafeInteger(fields.seed) || fields.seed < 0) throw new InvalidArgumentError('seed', 'expected a non-negative integer');
    overrides.seed = String(fields.seed);
  }
  const problem = parseQuestion(preset.task, lastUserMessage(fields.messages));
  const search = buildSearchRequest(preset, overrides, problem);
  if (n > 1) search.answers = n;
  return {
    preset,
    search,
    n,
    ...(maxTokens !== undefined && { maxTokens }),
    stream: fields.stream === true,
    includeUsage: fields.stream === true && streamOptions?.include_usage === true,
  };
}
