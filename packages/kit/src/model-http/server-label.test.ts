// Server labels show where a server is, never a key that came along in its URL.
import { describe, expect, it } from 'vitest';
import { describeServer, serverLabel } from './server-label.js';

describe('describeServer', () => {
  it('keeps origin and path, drops a trailing slash, userinfo, query and fragment', () => {
    expect(describeServer('http://127.0.0.1:8000/v1/')).toBe('http://127.0.0.1:8000/v1');
    expect(describeServer('https://user:secret@models.example/v1?api-key=abc#x')).toBe('https://models.example/v1');
    expect(describeServer('http://[::1]:9000/heads/value?key=k')).toBe('http://[::1]:9000/heads/value');
    expect(describeServer('http://h')).toBe('http://h');
  });

  it('is undefined for what is not an http(s) URL', () => {
    expect(describeServer('localhost:8000')).toBeUndefined();
    expect(describeServer('ftp://user:pw@h/v1')).toBeUndefined();
    expect(describeServer('not a url')).toBeUndefined();
  });
});

describe('serverLabel', () => {
  it('names the role and where the server is', () => {
    expect(serverLabel('reward model server', 'http://k:sk-1@127.0.0.1:8000/v1?x=1')).toBe('reward model server at http://127.0.0.1:8000/v1');
    expect(serverLabel('value model server', 'nope')).toBe('value model server');
  });
});
