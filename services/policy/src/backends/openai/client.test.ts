import { describe, expect, it } from 'vitest';
import { policyServerLabel } from './client.js';

describe('policy server label', () => {
  it('names the server by origin and path, never by credentials or query', () => {
    expect(policyServerLabel('http://127.0.0.1:8000/v1/')).toBe('policy model server at http://127.0.0.1:8000/v1');
    expect(policyServerLabel('https://user:secret@models.example/v1?key=abc')).toBe('policy model server at https://models.example/v1');
  });
});
