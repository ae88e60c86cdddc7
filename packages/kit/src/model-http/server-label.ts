// How a model server is named where people and tools can read it (error messages, logs, spans): by origin and
// path only. A base URL may carry userinfo or a query string (`?api-key=...`), and either may hold a key.

/** Origin and path of `url`, without a trailing slash, userinfo or query; undefined for what is not an http(s) URL. */
export function describeServer(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    // "localhost:8000" parses, as scheme "localhost:" with an opaque origin.
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

/** e.g. "value model server at http://127.0.0.1:8000/v1", or just `role` when the URL does not parse. */
export function serverLabel(role: string, url: string): string {
  const where = describeServer(url);
  return where ? `${role} at ${where}` : role;
}
