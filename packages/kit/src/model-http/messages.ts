// What error messages quote from a model server: its own error message, short, and never our request.
import type { z } from 'zod';

/** Most characters of a server's message an error quotes: enough to diagnose, too few to carry a prompt. */
export const MAX_QUOTED_CHARS = 200;

export function truncate(text: string, max = MAX_QUOTED_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`;
}

/** FastAPI's 422 `detail` list, minus each entry's `input` (which is our request, i.e. the prompt). */
function describeDetail(detail: unknown[]): string {
  return detail
    .map((entry) => {
      if (typeof entry !== 'object' || entry === null) return String(entry);
      const { loc, msg } = entry as { loc?: unknown; msg?: unknown };
      const where = Array.isArray(loc) ? loc.join('.') : '';
      return `${where ? `${where}: ` : ''}${typeof msg === 'string' ? msg : 'invalid'}`;
    })
    .join('; ');
}

/** The message in an error body of the shapes OpenAI-compatible servers send, if any. */
function pickMessage(json: unknown): string | undefined {
  if (typeof json === 'string') return json;
  if (typeof json !== 'object' || json === null) return undefined;
  // OpenAI and llama.cpp: {error: {message}}; Ollama: {error: "..."}; vLLM: {message}; FastAPI: {detail}.
  const { error, message, detail } = json as { error?: unknown; message?: unknown; detail?: unknown };
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  if (typeof message === 'string') return message;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return describeDetail(detail);
  return undefined;
}

/** The shortest run of a server's message taken for an echo of our request rather than the server's words. */
export const MIN_ECHO_CHARS = 12;
const ECHO = '[…]';

/** Every string in a request body (the prompt, the steps) long enough to be recognised when echoed. */
export function requestTexts(body: unknown, out: string[] = []): string[] {
  if (typeof body === 'string') {
    if (body.length >= MIN_ECHO_CHARS) out.push(body);
  } else if (Array.isArray(body)) {
    for (const item of body) requestTexts(item, out);
  } else if (typeof body === 'object' && body !== null) {
    for (const value of Object.values(body)) requestTexts(value, out);
  }
  return out;
}

/**
 * The message with every run of MIN_ECHO_CHARS or more characters that also stands in one of `texts` replaced by
 * "[…]": servers that echo their input (an over-long prompt, a bad step) must not carry it into our errors and logs.
 */
export function redactEcho(message: string, texts: readonly string[]): string {
  if (texts.length === 0) return message;
  const within = (run: string) => texts.some((text) => text.includes(run));
  let out = '';
  let i = 0;
  while (i < message.length) {
    if (i + MIN_ECHO_CHARS <= message.length && within(message.slice(i, i + MIN_ECHO_CHARS))) {
      let end = i + MIN_ECHO_CHARS;
      while (end < message.length && within(message.slice(i, end + 1))) end++;
      out += ECHO;
      i = end;
    } else {
      out += message[i];
      i++;
    }
  }
  return out;
}

/**
 * The server's own message from an error reply body (JSON or plain text), without anything of our request it
 * echoes (`texts`, see requestTexts), cut to MAX_QUOTED_CHARS.
 */
export function serverMessage(body: string, texts: readonly string[] = []): string {
  let message = body;
  try {
    message = pickMessage(JSON.parse(body)) ?? body;
  } catch {
    // Not JSON: a proxy's text or HTML page; quote its start.
  }
  // Only the start is ever shown, so only the start is searched for echoes (a body may be megabytes).
  return truncate(redactEcho(message.slice(0, MAX_QUOTED_CHARS * 4), texts));
}

/** The first problem zod found, as `path: message`, e.g. `choices.0.text: expected string, received number`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match the expected shape';
  const path = issue.path.map(String).join('.') || '(top level)';
  return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
}
