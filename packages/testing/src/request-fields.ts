// The request fields each server's own code declares, pinned in request-fields/*.json with the repository,
// path and commit (or version) they were read from, so tests can check that what a backend sends a server is
// among what that server takes: OpenAI refuses an unknown field with a 400, vLLM and SGLang drop it (vLLM with
// a warning), so a field sent to the wrong server is an error or silently does nothing.
import { readFileSync } from 'node:fs';

export type FieldServer = 'openai' | 'vllm' | 'sglang';
export type FieldEndpoint = 'chat' | 'completions';

export interface PinnedRequestFields {
  server: FieldServer;
  /** Where the lists come from: repository, commit (and version), and the declaration per endpoint. */
  source: Record<string, string>;
  /** Documented limits on values, where the source states them (OpenAI's). */
  limits?: Record<string, { max: number; why: string }>;
  chat: string[];
  completions: string[];
}

const cache = new Map<FieldServer, PinnedRequestFields>();

export function pinnedRequestFields(server: FieldServer): PinnedRequestFields {
  let pinned = cache.get(server);
  if (!pinned) {
    pinned = JSON.parse(readFileSync(new URL(`./request-fields/${server}.json`, import.meta.url), 'utf8')) as PinnedRequestFields;
    cache.set(server, pinned);
  }
  return pinned;
}

/** The top-level fields of `body` that `server`'s request type for `endpoint` does not declare. */
export function undeclaredFields(body: Record<string, unknown>, server: FieldServer, endpoint: FieldEndpoint): string[] {
  const declared = new Set(pinnedRequestFields(server)[endpoint]);
  return Object.keys(body).filter((field) => !declared.has(field));
}
