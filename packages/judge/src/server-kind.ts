// Which OpenAI-compatible server a judge talks to, and what that changes in its requests. The servers differ on
// exactly the points a judge leans on:
//   - vLLM and SGLang take a list of prompts per /completions request and up to 20 top logprobs, and render chat
//     templates with `chat_template_kwargs` (so a thinking model can be told not to think).
//   - llama.cpp's server takes a list too; older builds answer it with a top-level JSON array of replies.
//   - Ollama's /v1/completions takes one string prompt (a list is a 400 on every request).
//   - OpenAI caps /completions `logprobs` at 5 and serves its chat models on chat only (404 on /completions).
// An unknown server gets the request every one of them takes: one string prompt, 5 top logprobs.
import { UnavailableError } from '@arbor/kit/errors';

/** The setting's values: a server, or `auto` to ask the server what it is before the first judgment. */
export const JUDGE_SERVERS = ['auto', 'vllm', 'sglang', 'llama.cpp', 'ollama', 'openai', 'other'] as const;
export type JudgeServerSetting = (typeof JUDGE_SERVERS)[number];
export type JudgeServer = Exclude<JudgeServerSetting, 'auto'>;

export interface JudgeDialect {
  server: JudgeServer;
  /** /completions: send `prompt` as one string per request (Ollama), not a list of up to 64. */
  stringPrompt: boolean;
  /** /completions `logprobs` (top alternatives per token). */
  completionsLogprobs: number;
  /** /chat/completions `top_logprobs`. */
  chatTopLogprobs: number;
  /** Chat: send `chat_template_kwargs: {enable_thinking: false}`, which vLLM and SGLang pass to the template. */
  thinkingOff: boolean;
  /** The API used when none is configured: chat where chat models are served on chat only (OpenAI). */
  defaultApi: 'completions' | 'chat';
}

const DIALECTS: Record<JudgeServer, Omit<JudgeDialect, 'server'>> = {
  vllm: { stringPrompt: false, completionsLogprobs: 20, chatTopLogprobs: 20, thinkingOff: true, defaultApi: 'completions' },
  sglang: { stringPrompt: false, completionsLogprobs: 20, chatTopLogprobs: 20, thinkingOff: true, defaultApi: 'completions' },
  'llama.cpp': { stringPrompt: false, completionsLogprobs: 20, chatTopLogprobs: 20, thinkingOff: false, defaultApi: 'completions' },
  ollama: { stringPrompt: true, completionsLogprobs: 20, chatTopLogprobs: 20, thinkingOff: false, defaultApi: 'completions' },
  openai: { stringPrompt: false, completionsLogprobs: 5, chatTopLogprobs: 20, thinkingOff: false, defaultApi: 'chat' },
  other: { stringPrompt: true, completionsLogprobs: 5, chatTopLogprobs: 5, thinkingOff: false, defaultApi: 'completions' },
};

export function judgeDialect(server: JudgeServer): JudgeDialect {
  return { server, ...DIALECTS[server] };
}

export interface DetectedServer {
  server: JudgeServer;
  /** How it was told, for the log line: e.g. "GET /models says owned_by vllm". */
  how: string;
}

/** Asks the server what it is; rejects with UnavailableError when it cannot be reached (worth asking again). */
export type ServerDetector = (signal: AbortSignal) => Promise<DetectedServer>;

/** api.openai.com, and Azure OpenAI's RESOURCE.openai.azure.com, which takes OpenAI's requests. */
const OPENAI_HOST = /(^|\.)(openai\.com|openai\.azure\.com)$/i;

/** `owned_by` of GET /v1/models, as each server fills it in. */
const OWNERS: Record<string, JudgeServer> = { vllm: 'vllm', sglang: 'sglang', llamacpp: 'llama.cpp' };

export interface DetectorOptions {
  /** The OpenAI API base, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: string;
  apiKey?: string | undefined;
  timeoutMs: number;
  /** Names the server in errors, e.g. "value model server at ...". */
  label: string;
}

/**
 * Tells the server by what it says of itself, one request at a time: OpenAI's hosts (api.openai.com, Azure's
 * *.openai.azure.com) are OpenAI; GET /models names its owner on vLLM ("vllm"), SGLang ("sglang") and llama.cpp
 * ("llamacpp"); only Ollama answers GET /api/version at its root. Anything else is `other`. Nothing of a reply is
 * quoted.
 */
export function judgeServerDetector(options: DetectorOptions): ServerDetector {
  const base = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  /** The JSON body of a 2xx reply, undefined for any other answer; throws UnavailableError when there is none. */
  async function getJson(url: string, path: string, signal: AbortSignal): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]) });
    } catch (err) {
      if (signal.aborted) throw err;
      throw new UnavailableError(`${options.label} did not answer GET ${path}, which tells what server it is`, { cause: err });
    }
    const text = await response.text().catch(() => '');
    // A server still starting, or a proxy in front of one that is down: ask again later.
    if (response.status >= 500) throw new UnavailableError(`${options.label} answered GET ${path} with HTTP ${response.status}`);
    if (!response.ok) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }

  return async (signal) => {
    const host = hostOf(base);
    if (host !== undefined && OPENAI_HOST.test(host)) return { server: 'openai', how: `the host is ${host}` };
    const models = await getJson(`${base}/models`, '/models', signal);
    const owners = modelOwners(models);
    for (const owner of owners) {
      const server = OWNERS[owner];
      if (server) return { server, how: `GET /models says owned_by ${owner}` };
    }
    const root = new URL(base);
    const version = await getJson(`${root.origin}/api/version`, '/api/version', signal);
    if (typeof (version as { version?: unknown } | undefined)?.version === 'string') return { server: 'ollama', how: 'it answers GET /api/version' };
    return { server: 'other', how: 'neither GET /models nor GET /api/version named a known server' };
  };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function modelOwners(body: unknown): string[] {
  const data = (body as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) return [];
  return data.flatMap((entry: unknown) => {
    const owner = (entry as { owned_by?: unknown } | null)?.owned_by;
    return typeof owner === 'string' ? [owner] : [];
  });
}
