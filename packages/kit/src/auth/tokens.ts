// Bearer tokens: how they are made and the one form in which they are stored (a SHA-256 digest). The server
// never holds a token itself, so a tokens file that leaks gives nobody access.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Marks Arbor's tokens, so that secret scanners and people can tell one when they see it. */
export const TOKEN_PREFIX = 'arbor_';

/** A new token: 32 random bytes, base64url. Shown once, to whoever makes it; only its digest is kept. */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The SHA-256 of a token, hex: what a tokens file holds. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The index of the digest in `digests` that `token` has, or -1. Every digest is compared, each in constant time,
 * so how long this takes says nothing about which digest, or how much of one, matched.
 */
export function matchDigest(token: string, digests: readonly Buffer[]): number {
  const presented = createHash('sha256').update(token, 'utf8').digest();
  let found = -1;
  for (let i = 0; i < digests.length; i++) {
    if (timingSafeEqual(presented, digests[i]!) && found === -1) found = i;
  }
  return found;
}
