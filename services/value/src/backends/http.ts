// The http value backend: a value head (any model that maps a partial solution to a number) behind one plain
// HTTP endpoint, for value models no OpenAI-compatible server serves.
//
// Contract, JSON both ways, one POST per batch to ARBOR_VALUE_BASE_URL (the endpoint's full URL):
//   request  {"model": "<ARBOR_VALUE_MODEL>",            (left out when the setting is empty)
//             "items": [{"task": "math", "question": "...", "params": {"reference": "42"}, "steps": ["...", "..."]}]}
//   reply    {"values": [0.73, ...],                     (one per item, in item order, each in [0, 1])
//             "usage": {"prompt_tokens": 1234}}          (optional; estimated from the text when absent)
// Items may come from different problems. A reply of the wrong length or with a value outside [0, 1] fails the
// batch with UNAVAILABLE, as a server error does; 429 and 5xx are retried (ARBOR_VALUE_HTTP_MAX_ATTEMPTS).
import type { Usage } from '@arbor/contracts';
import { z } from '@arbor/kit';
import { UnavailableError } from '@arbor/kit/errors';
import { estimateTokens, getTask } from '@arbor/tasks';
import type { ValueBackend, ValueItem } from '../backend.js';
import { valueHttpClient, valueServerLabel, type ValueServerSettings } from './model-server.js';

const valueReplySchema = z.object({
  values: z.array(z.number()),
  usage: z.object({ prompt_tokens: z.number() }).nullable().optional(),
});

/** The request body for a batch (exported for tests and the README). */
export function valueRequestBody(model: string, items: readonly ValueItem[]) {
  return {
    ...(model !== '' && { model }),
    items: items.map(({ problem, state }) => ({
      task: problem.task,
      question: problem.question,
      // Without the reference answer: a value head must estimate, not look the answer up.
      params: withoutReference(problem.params),
      steps: state.steps.map((s) => s.text),
    })),
  };
}

/**
 * The model-http client appends a path to a base, so the endpoint URL is cut at its last slash:
 * http://host:9000/heads/value -> base http://host:9000/heads, path /value (query string kept).
 */
function splitEndpoint(url: string): { base: string; path: string } {
  const parsed = new URL(url);
  const cut = parsed.pathname.lastIndexOf('/');
  return { base: `${parsed.origin}${parsed.pathname.slice(0, cut)}`, path: `${parsed.pathname.slice(cut)}${parsed.search}` };
}

export function createHttpValue(settings: ValueServerSettings): ValueBackend {
  const { base, path } = splitEndpoint(settings.url);
  const http = valueHttpClient(settings, base);
  const label = valueServerLabel(settings.url);
  return {
    name: 'http',
    check(problem) {
      // The head decides how to score, but only a problem Arbor can validate is worth sending.
      getTask(problem.task).validateProblem(problem);
    },
    async evaluate(items, signal) {
      const started = performance.now();
      const body = valueRequestBody(settings.model, items);
      const reply = await http.postJson(path, body, valueReplySchema, signal);
      if (reply.values.length !== items.length) {
        throw new UnavailableError(`${label} returned ${reply.values.length} values for ${items.length} states`);
      }
      const bad = reply.values.findIndex((v) => !(v >= 0 && v <= 1));
      if (bad >= 0) {
        throw new UnavailableError(`${label} returned values[${bad}] = ${reply.values[bad]}; every value must be a probability in [0, 1]`);
      }
      const reported = reply.usage?.prompt_tokens;
      const usage: Usage = {
        inputTokens: reported ?? estimateTokens(JSON.stringify(body)),
        // A value head reads and scores; it generates nothing.
        outputTokens: 0,
        calls: 1,
        costUsd: 0,
        computeMs: performance.now() - started,
        model: settings.model || 'http',
        estimated: reported === undefined,
      };
      return { values: reply.values, usage };
    },
  };
}

function withoutReference(params: Record<string, string>): Record<string, string> {
  const { reference: _reference, ...rest } = params;
  return rest;
}
