// Public API of @arbor/judge: an LLM-as-judge (yes/no prompts, P(yes) from logprobs) for the value and reward services.
export { checkJudgeProblem, JUDGE_TASKS, problemStatement, STEP_QUESTION, stepPrompts, VALUE_QUESTION, valuePrompt } from './prompts.js';
export { verdictOf, yesProbability, yesVerdict, type TopLogprob, type VerdictOf, type YesVerdict } from './yes-probability.js';
export { chatJudgeBody, completionsJudgeBody, JUDGE_APIS, TOP_LOGPROBS, type JudgeApi } from './requests.js';
export {
  JUDGE_SERVERS,
  judgeDialect,
  judgeServerDetector,
  type DetectedServer,
  type JudgeDialect,
  type JudgeServer,
  type JudgeServerSetting,
  type ServerDetector,
} from './server-kind.js';
export {
  createJudge,
  COMPLETIONS_CHUNK_CONCURRENCY,
  COMPLETIONS_CHUNK_PROMPTS,
  DEFAULT_CHAT_CONCURRENCY,
  UNDECIDED_WARNING_PERIOD_MS,
  YES_NO_FORMAT,
  type Judge,
  type JudgeOptions,
  type JudgeResult,
  type JudgeSetup,
  type JudgeUsage,
  type UndecidedCounter,
  type VerdictFormat,
} from './judge.js';
export { judgeCallUsage } from './call-usage.js';
export { startJudge } from './start.js';
