// The openai policy backend: asks any OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama, OpenAI) for the
// next reasoning step, k samples at a time, and returns the distinct steps the task accepts.
import type { ProposeRequest__Output, ProposeResponse } from '@arbor/contracts';
import { setSignalDeadline, signalDeadline } from '@arbor/kit';
import { CancelledError, InvalidArgumentError } from '@arbor/kit/errors';
import { chatCompletionsReplySchema, completionsReplySchema, type ModelHttpClient } from '@arbor/kit/model-http';
import type { PolicyBackend } from '../../backend.js';
import { collectCandidates } from './candidates.js';
import { createPolicyModelClient, policyServerLabel } from './client.js';
import { chatGenerations, completionsGenerations, type Generation, type ReplyGenerations } from './generations.js';
import { promptText, type PromptStyle } from './prompt.js';
import { buildRequests, COMPLETIONS_PATH, type ModelRequest } from './requests.js';
import { resolveSampling } from './sampling.js';
import type { OpenAiPolicySettings } from './settings.js';
import { planFor } from './task-plan.js';
import { callUsage } from './usage.js';

export const OPENAI_BACKEND_NAME = 'openai';
export const MAX_CANDIDATES = 64;

export function createOpenAiPolicy(settings: OpenAiPolicySettings, client: ModelHttpClient = createPolicyModelClient(settings)): PolicyBackend {
  const style: PromptStyle = settings.api === 'completions' ? 'completions' : settings.chatContinue ? 'chat-continue' : 'chat';
  const label = policyServerLabel(client.baseUrl);

  /** One HTTP request; siblings share `signal`, so the first failure stops the rest. */
  async function send(request: ModelRequest, signal: AbortSignal): Promise<ReplyGenerations> {
    if (request.path === COMPLETIONS_PATH) {
      return completionsGenerations(await client.postJson(request.path, request.body, completionsReplySchema, signal), label);
    }
    return chatGenerations(await client.postJson(request.path, request.body, chatCompletionsReplySchema, signal), label);
  }

  return {
    name: OPENAI_BACKEND_NAME,
    async propose(request: ProposeRequest__Output, signal: AbortSignal): Promise<ProposeResponse> {
      if (signal.aborted) throw new CancelledError('propose cancelled');
      const started = performance.now();
      if (request.problem === null) throw new InvalidArgumentError('problem', 'is required');
      const k = request.numCandidates;
      if (!Number.isInteger(k) || k < 1 || k > MAX_CANDIDATES) {
        throw new InvalidArgumentError('num_candidates', `must be an integer from 1 to ${MAX_CANDIDATES}, got ${k}`);
      }
      const steps = (request.prefix?.steps ?? []).map((s) => s.text);
      const plan = planFor(request.problem, steps, style, settings.systemPrompt);
      const sampling = resolveSampling(request.sampling, settings, plan.stop);
      if (plan.finished) {
        // No model call was made, so none is billed.
        const usage = { inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0, model: settings.model, estimated: false };
        return { candidates: [], invalidCandidates: 0, usage: { ...usage, computeMs: performance.now() - started } };
      }

      const requests = buildRequests(plan.prompt, sampling, k, settings);
      const replies = await sendAll(requests, signal, send);
      // More choices than asked is a server bug; fewer is a server capping n, and what came is used.
      const generations: Generation[] = replies.flatMap((reply, i) => reply.generations.slice(0, requests[i]?.n ?? 0));
      const { candidates, invalidCandidates } = collectCandidates(generations, (g) => plan.judge(g, sampling.stop));
      const usage = callUsage(replies, promptText(plan.prompt), settings.model);
      return { candidates, invalidCandidates, usage: { ...usage, computeMs: performance.now() - started } };
    },
  };
}

/** Sends the requests in parallel; the first failure cancels the others and is what the caller sees. */
async function sendAll(
  requests: readonly ModelRequest[],
  signal: AbortSignal,
  send: (request: ModelRequest, signal: AbortSignal) => Promise<ReplyGenerations>,
): Promise<ReplyGenerations[]> {
  if (requests.length === 1) return [await send(requests[0] as ModelRequest, signal)];
  const siblings = new AbortController();
  // A derived signal has no deadline of its own; without it, retry waits could outlive the call.
  const deadline = signalDeadline(signal);
  if (deadline !== undefined) setSignalDeadline(siblings.signal, deadline);
  const onAbort = () => siblings.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.all(
      requests.map((r) =>
        send(r, siblings.signal).catch((err: unknown) => {
          siblings.abort(err);
          throw err;
        }),
      ),
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
