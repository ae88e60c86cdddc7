// What every `arbor doctor` check shares: the probe problem and steps (fixed and harmless, never user data), the
// rows of the table, and the first rows for any model server (reachable, model served, server kind).
import type { Problem__Output } from '@arbor/contracts';
import { judgeServerDetector, type JudgeServer } from '@arbor/judge';
import { createLogger } from '@arbor/kit';
import { isArborError } from '@arbor/kit/errors';
import { listModels, ms, where, type DoctorService, type Result, type Row } from './probes.js';

export interface DoctorOptions {
  /** The longest one probe may take (each HTTP attempt, and the whole call). */
  timeoutMs: number;
}

/** Candidates asked of the policy in the probe: enough to see whether the server serves `n`. */
export const PROBE_CANDIDATES = 8;

export const PROBE_PROBLEM: Problem__Output = { task: 'math', id: 'arbor-doctor', question: 'What is 6 times 7?', params: {} };
export const RIGHT_STEP = '6 * 7 = 42, so the answer is \\boxed{42}.';
export const WRONG_STEP = '6 * 7 = 48, so the answer is \\boxed{48}.';
export const trajectory = (...steps: string[]) => ({ steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) });

export const quiet = () => createLogger('doctor', { level: 'silent' });

/** ARBOR_POLICY_, ARBOR_VALUE_, ARBOR_REWARD_ */
export const prefix = (service: DoctorService) => `ARBOR_${service.toUpperCase()}_`;

export class Rows {
  readonly rows: Row[] = [];
  constructor(private readonly service: DoctorService) {}
  add(check: string, result: Result, detail: string): void {
    this.rows.push({ service: this.service, check, result, detail });
  }
}

/** The settings an error points at, for the detail of a FAIL. */
export function hintFor(err: unknown, service: DoctorService, detected?: JudgeServer): string {
  const p = prefix(service);
  const message = err instanceof Error ? err.message : String(err);
  if (/\bARBOR_[A-Z_]+\b/.test(message)) return '';
  const unsupported = /Unsupported parameter: '(\w+)'/.exec(message)?.[1];
  if (unsupported && service === 'policy') {
    return unsupported === 'logprobs' || unsupported === 'top_logprobs'
      ? ' → a reasoning model: set ARBOR_POLICY_REASONING=true (or ARBOR_POLICY_LOGPROBS=false)'
      : ' → a reasoning model: set ARBOR_POLICY_REASONING=true';
  }
  if (/not supported in the v1\/completions endpoint|chat model/i.test(message)) return ` → set ${p}API=chat`;
  if (/does not exist|model .*not found|unknown model|no such model/i.test(message)) return ` → check ${p}MODEL`;
  if (isArborError(err) && err.kind === 'unauthenticated') return ` → check ${p}API_KEY_ENV`;
  if (isArborError(err) && (err.kind === 'unavailable' || err.kind === 'deadline_exceeded')) {
    return ` → check ${p}BASE_URL (or allow more time: --timeout-ms, ${p}HTTP_TIMEOUT_MS)`;
  }
  if (service !== 'policy' && detected && detected !== 'other') return ` → set ${p}SERVER=${detected}`;
  return service === 'policy' ? ' → check ARBOR_POLICY_SERVER and ARBOR_POLICY_API' : ` → check ${p}SERVER and ${p}API`;
}

export interface ServerFacts {
  /** False when the server cannot be reached: the other checks are skipped. */
  reachable: boolean;
  detected?: JudgeServer;
  how?: string;
}

/** reachable, model, server: GET /models and the detector. */
export async function serverRows(rows: Rows, service: DoctorService, baseUrl: string, model: string, apiKey: string | undefined, options: DoctorOptions): Promise<ServerFacts> {
  const p = prefix(service);
  const at = where(baseUrl);
  const models = await listModels(baseUrl, apiKey, options.timeoutMs);
  if (models.kind === 'unreachable') {
    rows.add('reachable', 'FAIL', `no answer from ${at} (${models.why}) → check ${p}BASE_URL`);
    return unreachable(rows);
  }
  if (models.kind === 'status') {
    if (models.status === 401 || models.status === 403) {
      rows.add('reachable', 'FAIL', `${at}: GET /models refused the key (HTTP ${models.status}) → check ${p}API_KEY_ENV`);
      return unreachable(rows);
    }
    if (models.status >= 500) {
      rows.add('reachable', 'FAIL', `${at}: GET /models answered HTTP ${models.status} (still loading?) → check ${p}BASE_URL and the server's log`);
      return unreachable(rows);
    }
    rows.add('reachable', models.status === 404 ? 'warn' : 'FAIL', `${at}: GET /models answered HTTP ${models.status}; is ${p}BASE_URL the OpenAI API base (…/v1)?`);
    rows.add('model', 'skip', 'the server lists no models');
  } else {
    rows.add('reachable', 'ok', `${at} answered GET /models in ${models.ms} ms`);
    // Ollama serves "llama3.2" as "llama3.2:latest".
    if (models.ids.includes(model) || models.ids.includes(`${model}:latest`)) rows.add('model', 'ok', `"${model}" is served`);
    else {
      const served = models.ids.slice(0, 4).map((id) => `"${id}"`).join(', ') + (models.ids.length > 4 ? ', …' : '');
      const facts = await detect(service, baseUrl, apiKey, options);
      // llama.cpp answers any model name with the one it loaded, and a server it cannot tell may do the same: a
      // mismatch there is worth a look, not a failure. vLLM, SGLang and OpenAI refuse a model they do not serve.
      if (facts.detected === undefined || facts.detected === 'llama.cpp' || facts.detected === 'other') {
        rows.add('model', 'warn', `"${model}" is not listed (it lists ${served || 'none'}); this server may answer any name → check ${p}MODEL`);
        return facts;
      }
      rows.add('model', 'FAIL', `"${model}" is not served (it serves ${served || 'none'}) → set ${p}MODEL`);
      rows.add('server', 'skip', 'the model is not served');
      return { reachable: false };
    }
  }
  return detect(service, baseUrl, apiKey, options);
}

/** The server's kind, as the judges' detector tells it; unknown when it cannot. */
async function detect(service: DoctorService, baseUrl: string, apiKey: string | undefined, options: DoctorOptions): Promise<ServerFacts> {
  try {
    const found = await judgeServerDetector({ baseUrl, apiKey, timeoutMs: options.timeoutMs, label: `${service} model server` })(AbortSignal.timeout(options.timeoutMs));
    return { reachable: true, detected: found.server, how: found.how };
  } catch {
    return { reachable: true };
  }
}

export function unreachable(rows: Rows): ServerFacts {
  rows.add('model', 'skip', 'the server is not reachable');
  rows.add('server', 'skip', 'the server is not reachable');
  return { reachable: false };
}

export function skipRest(rows: Rows, checks: string[]): void {
  for (const check of checks) rows.add(check, 'skip', 'fix the rows above first');
}

// ---------------------------------------------------------------- policy
