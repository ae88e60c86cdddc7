// The openai policy backend: asks any OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama, OpenAI) for the
// next reasoning step, k samples at a time, and returns the distinct steps the task accepts.
import type { ProposeRequest__Output, ProposeResponse } from '@arbor/contracts';
import { createLogger, setSignalDeadline, signalDeadline } from '@arbor/kit';
import { CancelledError, FailedPreconditionError, InvalidArgumentError } from '@arbor/kit/errors';
import { chatCompletionsReplySchema, completionsReplySchema, type ModelHttpClient } from '@arbor/kit/model-http';
import type { PolicyBackend } from '../../backend.js';
import { nRefusal, seededCopies, ServerAdaptation, trimmedContinuation, type NoticeLogger, type NRefusal } from './adaptation.js';
import { collectCandidates } from './candidates.js';
import { createPolicyModelClient, policyServerLabel } from './client.js';
import { chatGenerations, completionsGenerations, cutAtStops, type Generation, type ReplyGenerations } from './generations.js';
import { promptText, type Prompt, type PromptStyle } from './prompt.js';
import { buildRequests, COMPLETIONS_PATH, shapeSampling, type ModelRequest } from './requests.js';
import { resolveSampling, type StepSampling } from './sampling.js';
import { serverProfile } from './server-kind.js';
import type { OpenAiPolicySettings } from './settings.js';
import { planFor } from './task-plan.js';
import { callUsage } from './usage.js';

export const OPENAI_BACKEND_NAME = 'openai';
export const MAX_CANDIDATES = 64;
/** Rounds of requests one call may take: each after the first follows a lesson (a lower n) or a shortfall. */
const MAX_ROUNDS = 8;

export type { NoticeLogger } from './adaptation.js';

export interface OpenAiPolicyOptions {
  client?: ModelHttpClient;
  /** Where the backend says, once each, how it adapted to its server; by default a logger named "policy". */
  log?: NoticeLogger;
}

type Outcome = { kind: 'ok'; request: ModelRequest; reply: ReplyGenerations } | { kind: 'refused'; request: ModelRequest; refusal: NRefusal; error: unknown };

export function createOpenAiPolicy(settings: OpenAiPolicySettings, options: OpenAiPolicyOptions = {}): PolicyBackend {
  const client = options.client ?? createPolicyModelClient(settings);
  const label = policyServerLabel(client.baseUrl);
  const profile = serverProfile(settings.server);
  let defaultLog: NoticeLogger | undefined;
  const log = (): NoticeLogger => options.log ?? (defaultLog ??= createLogger('policy'));
  const adaptation = new ServerAdaptation(
    { maxN: settings.maxN, seedApart: profile.seedApart, openPrefix: settings.chatPrefix === 'open' },
    log,
    `${label} (${settings.server})`,
  );
  const continuing = settings.api === 'chat' && settings.chatContinue;

  function style(): PromptStyle {
    if (settings.api === 'completions') return 'completions';
    if (!settings.chatContinue) return 'chat';
    return adaptation.openPrefix ? 'chat-continue-open' : 'chat-continue';
  }

  /** One HTTP request; siblings share `signal`, so the first failure stops the rest. */
  async function send(request: ModelRequest, signal: AbortSignal): Promise<ReplyGenerations> {
    if (request.path === COMPLETIONS_PATH) {
      return completionsGenerations(await client.postJson(request.path, request.body, completionsReplySchema, signal), label);
    }
    return chatGenerations(await client.postJson(request.path, request.body, chatCompletionsReplySchema, signal), label);
  }

  /** A request's reply, or the server's refusal of its `n` (which leaves its siblings running). */
  async function attempt(request: ModelRequest, signal: AbortSignal): Promise<Outcome> {
    try {
      return { kind: 'ok', request, reply: await send(request, signal) };
    } catch (err) {
      const refusal = request.n > 1 ? nRefusal(err) : undefined;
      if (refusal) return { kind: 'refused', request, refusal, error: err };
      throw err;
    }
  }

  /**
   * k samples, in rounds: a round whose requests the server refused for their `n`, or answered with fewer
   * choices than asked, or with copies of one seeded sample, teaches the backend (logged once) and the missing
   * samples go out again the way the server serves them.
   */
  async function generate(prompt: Prompt, sampling: StepSampling, k: number, signal: AbortSignal): Promise<{ replies: ReplyGenerations[]; generations: Generation[] }> {
    const replies: ReplyGenerations[] = [];
    const generations: Generation[] = [];
    let missing = k;
    let index = 0;
    for (let round = 0; missing > 0 && round < MAX_ROUNDS; round++) {
      const requests = buildRequests(prompt, sampling, missing, requestOptions(), index);
      index += requests.length;
      const outcomes = await sendAll(requests, signal, attempt);
      const accepted = outcomes.flatMap((o) => (o.kind === 'ok' ? [o.request.n] : []));
      // Learned is whether asking again can help: this round taught the backend something, or another call
      // running at the same time already did (its maxN is below what this round asked, or it seeds apart now).
      let learned = false;
      let got = 0;
      let refusedWith: unknown;
      for (const outcome of outcomes) {
        if (outcome.kind === 'refused') {
          learned = adaptation.nRefused(outcome.request.n, outcome.refusal, accepted) || outcome.request.n > adaptation.maxN || learned;
          refusedWith ??= outcome.error;
          continue;
        }
        replies.push(outcome.reply);
        const asked = outcome.request.n;
        // More choices than asked is a server bug; fewer is a server capping n: what came is used, the rest asked again.
        let taken = outcome.reply.generations.slice(0, asked);
        if (taken.length > 0 && taken.length < asked) learned = adaptation.shortReply(asked, taken.length) || asked > adaptation.maxN || learned;
        if (seededCopies(outcome.request, taken, sampling)) {
          learned = adaptation.sampledBySeed(asked) || adaptation.seedApart || learned;
          taken = taken.slice(0, 1);
        }
        generations.push(...taken);
        got += taken.length;
      }
      missing -= got;
      if (got === 0 && !learned) {
        // Refused with nothing learned: the refusal itself is the answer, not an empty list of candidates.
        if (refusedWith !== undefined) throw refusedWith;
        break;
      }
    }
    return { replies, generations };
  }

  function requestOptions() {
    return {
      model: settings.model,
      logprobs: settings.logprobs,
      maxN: adaptation.maxN,
      server: settings.server,
      reasoning: settings.reasoning,
      reasoningEffort: settings.reasoningEffort,
      seedApart: adaptation.seedApart,
    };
  }

  /** Logs, once each, what this server's limits change in what a call asked for. */
  function noteShaping(sampling: StepSampling): string[] {
    const shaped = shapeSampling(sampling, settings.server, settings.reasoning);
    if (settings.reasoning) {
      adaptation.once(
        'reasoning_mode',
        'info',
        { maxCompletionTokens: sampling.maxTokens },
        'reasoning model: no temperature, top_p, seed, logprobs or stop strings are sent (such models refuse them); steps are cut at the stop strings here, ' +
          'every step logprob is 0 (MCTS priors are uniform; best-first with priority=logprob ties everywhere and goes breadth-first; the rest rank by reward or value and lose nothing), and max_completion_tokens counts the hidden reasoning too',
      );
    }
    if (shaped.clampedFrom !== undefined) {
      adaptation.once('temperature_clamped', 'warn', { asked: shaped.clampedFrom, sent: shaped.temperature }, `temperature ${shaped.clampedFrom} is above the server's maximum: sent as ${shaped.temperature}`);
    }
    if (shaped.localStops.length > 0 && !settings.reasoning) {
      adaptation.once('stops_local', 'warn', { sent: shaped.stop.length, local: shaped.localStops.length }, `the server takes ${shaped.stop.length} stop strings: the other ${shaped.localStops.length} are applied to the text here`);
    }
    return shaped.localStops;
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
      let plan = planFor(request.problem, steps, style(), settings.systemPrompt);
      const sampling = resolveSampling(request.sampling, settings, plan.stop);
      if (plan.finished) {
        // No model call was made, so none is billed.
        const usage = { inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0, model: settings.model, estimated: false };
        return { candidates: [], invalidCandidates: 0, usage: { ...usage, computeMs: performance.now() - started } };
      }
      const localStops = noteShaping(sampling);

      let { replies, generations } = await generate(plan.prompt, sampling, k, signal);
      const open = () => plan.prompt.api === 'chat' && plan.prompt.open;
      // One empty sample may be the model's own doing; the switch waits for two (in one call or across calls).
      if (continuing && !open() && trimmedContinuation(plan.prompt, generations, sampling.stop) && adaptation.emptyContinuations(generations.length) >= 2) {
        if (settings.chatPrefix === 'auto' && profile.minTokensHoldsStops) {
          adaptation.openPrefix = true;
          adaptation.once(
            'chat_prefix_open',
            'warn',
            { n: generations.length },
            'continued chat requests came back empty at the stop string: the chat template trims the continued message (stock Llama 3.x does). ' +
              'The steps so far now end before the delimiter, which the model writes first (min_tokens=1 keeps it from stopping there); ' +
              'ARBOR_POLICY_CHAT_PREFIX=open starts there',
          );
          plan = planFor(request.problem, steps, style(), settings.systemPrompt);
          const again = await generate(plan.prompt, sampling, k, signal);
          // The empty round was generated and is paid for; its choices are not candidates.
          replies = [...replies, ...again.replies];
          generations = again.generations;
        } else {
          adaptation.once(
            'chat_prefix_trimmed',
            'warn',
            { n: generations.length, chatPrefix: settings.chatPrefix },
            'continued chat requests come back empty at the stop string: the chat template trims the continued message. ' +
              'With vLLM set ARBOR_POLICY_CHAT_PREFIX=open (or auto); elsewhere serve a template without `| trim` or use ARBOR_POLICY_API=completions',
          );
        }
      }
      // With the delimiter left to the model, one empty sample may be the model's doing; all of several are the server's.
      if (continuing && open() && generations.length >= 2 && trimmedContinuation(plan.prompt, generations, sampling.stop)) {
        throw new FailedPreconditionError(
          `${label}: continued chat requests come back empty at the stop string even with the delimiter left to the model (min_tokens=1): ` +
            'the chat template trims the continued message and the server checks stop strings in the first tokens. ' +
            'Serve a chat template without `| trim` (vLLM --chat-template), or use ARBOR_POLICY_API=completions',
        );
      }
      const cut = localStops.length > 0 ? generations.map((g) => cutAtStops(g, localStops)) : generations;
      const { candidates, invalidCandidates } = collectCandidates(cut, (g) => plan.judge(g, sampling.stop));
      const usage = callUsage(replies, promptText(plan.prompt), settings.model);
      return { candidates, invalidCandidates, usage: { ...usage, computeMs: performance.now() - started } };
    },
  };
}

/** Sends the requests in parallel; the first failure cancels the others and is what the caller sees. */
async function sendAll<T>(requests: readonly ModelRequest[], signal: AbortSignal, send: (request: ModelRequest, signal: AbortSignal) => Promise<T>): Promise<T[]> {
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
