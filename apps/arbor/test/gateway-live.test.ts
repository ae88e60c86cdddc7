// The gateway in `serve all` (orchestrator, embedded models, gateway in one process), driven by the official
// `openai` npm client and by curl: streaming, n, cancellation by disconnect, the deadline's 504, the viewer's API.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTask } from '@arbor/tasks';
import { openAiSchemaErrors } from '@arbor/testing/openai-schema';
import { startServices, type ServingStack } from '../src/compose/services.js';

const run = promisify(execFile);
const countdown = getTask('countdown');
const problem24 = { task: 'countdown', question: '4 9 10 13', params: { target: '24' } };
/** Six ones never make 24 and their tree is far too large to finish: a search that runs until something stops it. */
const ENDLESS = { algorithm: 'mcts', params: { simulations: 1_000_000, stop_on_solution: false }, budget: { max_expansions: 0, deadline_ms: 40_000 } };

interface Summary {
  search_id: string;
  status: string;
  stop_reason: string;
  stats: { nodes: number; expansions: number };
}

describe('the gateway in serve all', { timeout: 120_000 }, () => {
  let stack: ServingStack;
  let base: string;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startServices(['all'], { ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0', ARBOR_GATEWAY_LISTEN: '127.0.0.1:0', ARBOR_INPROC_WORKERS: '0' }, 'silent');
    base = `http://${stack.gateway!.address}`;
    client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'sk-unused', maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const searches = async (): Promise<Summary[]> => ((await (await fetch(`${base}/ui/api/searches?limit=20`)).json()) as { searches: Summary[] }).searches;

  it('streams: the client skips the progress comments and gets the answer as deltas, then usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'arbor-mcts',
      messages: [{ role: 'user', content: '4 9 10 13' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    for (const chunk of chunks) expect(openAiSchemaErrors('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
    const content = chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? '')).join('');
    expect(countdown.verifyAnswer(problem24, content.split('\n').at(-1)!)).toBe(true);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    expect(chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual(['stop']);
    const usage = chunks.at(-1)!.usage!;
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.total_tokens).toBeGreaterThan(0);
    // Every chunk names the same completion, whose id is the search's.
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    const searchId = [...ids][0]!.replace(/^chatcmpl-/, '');
    expect((await searches()).find((s) => s.search_id === searchId)?.status).toBe('finished');
  });

  it('streams with curl: progress comments first, data events, [DONE] last', async () => {
    const body = JSON.stringify({ model: 'arbor-mcts', stream: true, messages: [{ role: 'user', content: '1 1 1 1 1 1' }], arbor: { budget: { max_expansions: 3 } } });
    const { stdout } = await run('curl', ['-sS', '-N', '--max-time', '60', '-H', 'content-type: application/json', '-d', body, '-w', '\nHTTP %{http_code}', `${base}/v1/chat/completions`]);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('HTTP 200');
    const events = stdout.split('\n\n').map((e) => e.trim()).filter((e) => e !== '' && !e.startsWith('HTTP'));
    const firstData = events.findIndex((e) => e.startsWith('data:'));
    expect(firstData).toBeGreaterThan(0);
    for (const progress of events.slice(0, firstData)) expect(progress).toMatch(/^: arbor\.progress \{"search_id":"[0-9a-f-]{36}","expansions":\d+/);
    expect(events.at(-1)).toMatch(/^data: \[DONE\]/);
    // Three expansions reach no answer in six numbers: the budget stopped the search first, so the finish reason is length.
    const chunks = events.filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)) as OpenAI.ChatCompletionChunk & { arbor?: { stop_reason: string } });
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('length');
    expect(chunks.at(-1)!.arbor?.stop_reason).toBe('max_expansions');
  });

  it('answers a plain completion through curl too, in the published schema', async () => {
    const body = JSON.stringify({ model: 'arbor-beam', messages: [{ role: 'user', content: 'Use 2 3 5 7 11 to make 100' }] });
    const { stdout } = await run('curl', ['-sS', '--max-time', '60', '-H', 'content-type: application/json', '-d', body, `${base}/v1/chat/completions`]);
    const completion = JSON.parse(stdout);
    expect(openAiSchemaErrors('CreateChatCompletionResponse', completion)).toEqual([]);
    expect(completion.model).toBe('arbor-beam');
  });

  it('returns n distinct answers, best first, the first being the search\'s own', async () => {
    const completion = await client.chat.completions.create({
      model: 'arbor-bon',
      n: 4,
      messages: [{ role: 'user', content: '4 9 10 13' }],
      extra_body: { arbor: { params: { n: 32, stop_on_solution: false }, seed: '5' } },
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(openAiSchemaErrors('CreateChatCompletionResponse', completion)).toEqual([]);
    const answers = completion.choices.map((c) => c.message.content!.split('\n').at(-1)!);
    expect(completion.choices.map((c) => c.index)).toEqual(answers.map((_, i) => i));
    expect(answers.length).toBeGreaterThan(1);
    expect(answers.length).toBeLessThanOrEqual(4);
    expect(new Set(answers).size).toBe(answers.length);
    expect(answers[0]).toBe((completion as unknown as { arbor: { answer: string } }).arbor.answer);
  });

  it('bounds the message with max_completion_tokens and says length', async () => {
    const completion = await client.chat.completions.create({ model: 'arbor-mcts', max_completion_tokens: 2, messages: [{ role: 'user', content: '4 9 10 13' }] });
    expect(completion.choices[0]!.finish_reason).toBe('length');
    const whole = await client.chat.completions.create({ model: 'arbor-mcts', messages: [{ role: 'user', content: '4 9 10 13' }], seed: 1 });
    expect(completion.choices[0]!.message.content!.length).toBeLessThan(whole.choices[0]!.message.content!.length);
  });

  it('cancels the search when the client disconnects', async () => {
    const before = new Set((await searches()).map((s) => s.search_id));
    const abort = new AbortController();
    const asked = client.chat.completions
      .create({ model: 'arbor-mcts', messages: [{ role: 'user', content: '1 1 1 1 1 1' }], extra_body: { arbor: ENDLESS } } as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: abort.signal })
      .catch((e: unknown) => e);
    let running: Summary | undefined;
    for (let i = 0; i < 200 && !running; i++) {
      await new Promise((r) => setTimeout(r, 25));
      running = (await searches()).find((s) => !before.has(s.search_id) && s.status === 'running' && s.stats.expansions > 0);
    }
    expect(running).toBeDefined();
    abort.abort();
    expect(await asked).toBeInstanceOf(OpenAI.APIUserAbortError);
    let ended: Summary | undefined;
    for (let i = 0; i < 200; i++) {
      ended = (await searches()).find((s) => s.search_id === running!.search_id);
      if (ended?.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(ended).toMatchObject({ status: 'finished', stop_reason: 'cancelled' });
  });

  it('cancels a streamed search when the client disconnects mid-stream', async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'arbor-mcts', stream: true, messages: [{ role: 'user', content: '1 1 1 1 1 1' }], arbor: ENDLESS }),
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    const searchId = response.headers.get('x-arbor-search-id')!;
    expect(searchId).toMatch(/^[0-9a-f-]{36}$/);
    // Read until the first progress comment: the search is running and the stream is open.
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes(': arbor.progress ')) text += new TextDecoder().decode((await reader.read()).value);
    abort.abort();
    let ended: Summary | undefined;
    for (let i = 0; i < 200; i++) {
      ended = (await searches()).find((s) => s.search_id === searchId);
      if (ended?.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(ended).toMatchObject({ status: 'finished', stop_reason: 'cancelled' });
  });

  it('answers 504 when the deadline passed before any answer', async () => {
    const err = await client.chat.completions
      .create({ model: 'arbor-mcts', messages: [{ role: 'user', content: '1 1 1 1 1 1' }], extra_body: { arbor: { ...ENDLESS, budget: { max_expansions: 0, deadline_ms: 1 } } } } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(504);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('timeout');
  });

  it('serves the viewer\'s API: a search, and its tree from a node on, complete with its chosen path', async () => {
    const completion = await client.chat.completions.create({ model: 'arbor-mcts', messages: [{ role: 'user', content: '4 9 10 13' }], seed: 2 });
    const searchId = completion.id.replace(/^chatcmpl-/, '');
    // The JSON read back, checked field by field below.
    type Json = any;
    const summary: Json = await (await fetch(`${base}/ui/api/searches/${searchId}`)).json();
    expect(summary).toMatchObject({ search_id: searchId, task: 'countdown', algorithm: 'mcts', status: 'finished', solved: true, trace_url: null });
    expect(summary.stats.input_tokens).toBe(completion.usage!.prompt_tokens);
    const tree: Json = await (await fetch(`${base}/ui/api/searches/${searchId}/tree`)).json();
    expect(tree.complete).toBe(true);
    expect(tree.nodes).toHaveLength(summary.stats.nodes);
    expect(tree.total_nodes).toBe(summary.stats.nodes);
    expect(tree.chosen_path[0]).toBe(0);
    const texts = tree.chosen_path.slice(1).map((id: number) => tree.nodes[id].text);
    expect(texts.join('\n')).toBe(completion.choices[0]!.message.content!.split('\n').slice(0, texts.length).join('\n'));
    const rest: Json = await (await fetch(`${base}/ui/api/searches/${searchId}/tree?since=5`)).json();
    expect(rest.nodes[0].id).toBe(5);
    expect(rest.nodes).toHaveLength(summary.stats.nodes - 5);
    const missing = await fetch(`${base}/ui/api/searches/no-such-search`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Json).error.code).toBe('not_found');
    const bad = await fetch(`${base}/ui/api/searches/${searchId}/tree?since=-1`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error.param).toBe('since');
  });
});
