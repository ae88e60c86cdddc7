// What errors quote from a server's error body: its message in each common shape, short, without our request.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssue, redactEcho, requestTexts, serverMessage } from './messages.js';

describe('serverMessage', () => {
  it.each([
    ['OpenAI / llama.cpp', { error: { message: 'Invalid model', type: 'invalid_request_error' } }, 'Invalid model'],
    ['Ollama', { error: 'model "x" not found' }, 'model "x" not found'],
    ['vLLM', { object: 'error', message: 'max_tokens must be at least 1', type: 'BadRequestError', code: 400 }, 'max_tokens must be at least 1'],
    ['FastAPI string', { detail: 'Not Found' }, 'Not Found'],
  ])('finds the message of %s', (_server, body, message) => {
    expect(serverMessage(JSON.stringify(body))).toBe(message);
  });

  it("lists FastAPI's validation errors without their input (our prompt)", () => {
    const body = { detail: [{ type: 'missing', loc: ['body', 'model'], msg: 'Field required', input: { prompt: 'SECRET' } }] };
    expect(serverMessage(JSON.stringify(body))).toBe('body.model: Field required');
  });

  it('quotes plain text and JSON of another shape as is, whitespace collapsed', () => {
    expect(serverMessage('<html>\n  <body>502 Bad Gateway</body>\n</html>')).toBe('<html> <body>502 Bad Gateway</body> </html>');
    expect(serverMessage('{"status":"down"}')).toBe('{"status":"down"}');
    expect(serverMessage('')).toBe('');
  });

  it('cuts a long message at 200 characters', () => {
    const quoted = serverMessage(JSON.stringify({ error: { message: 'y'.repeat(1_000) } }));
    expect(quoted).toBe(`${'y'.repeat(200)}…`);
  });
});

describe('describeIssue', () => {
  it('names the path of the first issue and drops zod\'s "Invalid input:" prefix', () => {
    const schema = z.object({ choices: z.array(z.object({ text: z.string() })) });
    const result = schema.safeParse({ choices: [{ text: 1 }] });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssue(result.error)).toBe('choices.0.text: expected string, received number');
    const top = z.object({}).safeParse([]);
    if (!top.success) expect(describeIssue(top.error)).toMatch(/^\(top level\): expected object/);
  });
});

describe('what a server echoes of our request', () => {
  const prompt = 'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.';
  it('is cut from its message, whatever else it says', () => {
    const body = JSON.stringify({ error: { message: `This model's maximum context length is 4096 tokens; your prompt "${prompt}" has 5000` } });
    const quoted = serverMessage(body, requestTexts({ model: 'm', prompt, max_tokens: 16 }));
    expect(quoted).toBe(`This model's maximum context length is 4096 tokens; your prompt "[…]" has 5000`);
  });

  it('is cut even in part, but short runs that merely agree stay', () => {
    const texts = requestTexts({ messages: [{ role: 'user', content: prompt }] });
    expect(redactEcho(`bad input near: ${prompt.slice(10, 40)}.`, texts)).toBe('bad input near: […].');
    expect(redactEcho('clips to 48', texts)).toBe('clips to 48');
    expect(redactEcho('anything', [])).toBe('anything');
  });
});
