// The viewer's calls to the gateway's /ui/api, with the caller's bearer token (kept in sessionStorage) when set.
import type { SearchList, SearchSummary, TreeJson } from './types.js';

const TOKEN_KEY = 'arbor.token';

/** The API answered 401: the page asks for a token (auth.ts) and tries again. */
export class UnauthorizedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function storedToken(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string | null): void {
  try {
    if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
    else window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the token lasts as long as this page (below).
  }
  memoryToken = token;
}

let memoryToken: string | null = null;

/** The API's base path: the page is served at <base>/ui, so the API is <base>/ui/api. */
function apiBase(): string {
  const path = window.location.pathname;
  const at = path.lastIndexOf('/ui');
  return `${at >= 0 ? path.slice(0, at) : ''}/ui/api`;
}

/** The OpenAI-shaped error's message, else the status text. */
async function messageOf(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (body && typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON
  }
  return `${response.status} ${response.statusText}`.trim();
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = storedToken() ?? memoryToken;
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${apiBase()}${path}`, { headers, cache: 'no-store', credentials: 'omit', ...(signal && { signal }) });
  if (response.status === 401) throw new UnauthorizedError(await messageOf(response));
  if (!response.ok) throw new ApiError(response.status, await messageOf(response));
  return (await response.json()) as T;
}

export function listSearches(limit: number, signal?: AbortSignal): Promise<SearchList> {
  return getJson(`/searches?limit=${limit}`, signal);
}

export function getSearch(id: string, signal?: AbortSignal): Promise<SearchSummary> {
  return getJson(`/searches/${encodeURIComponent(id)}`, signal);
}

export function getTree(id: string, since: number, signal?: AbortSignal): Promise<TreeJson> {
  return getJson(`/searches/${encodeURIComponent(id)}/tree?since=${since}`, signal);
}
