// Public API of @arbor/judge: an LLM-as-judge (yes/no prompts, P(yes) from logprobs) for the value and reward services.
export { checkJudgeProblem, JUDGE_TASKS, problemStatement, STEP_QUESTION, stepPrompts, VALUE_QUESTION, valuePrompt } from './prompts.js';
export { verdictOf, yesProbability, yesVerdict, type TopLogprob, type YesVerdict } from './yes-probability.js';
export { chatJudgeBody, completionsJudgeBody, JUDGE_APIS, TOP_LOGPROBS, type JudgeApi } from './requests.js';
export {
  createJudge,
  COMPLETIONS_CHUNK_CONCURRENCY,
  COMPLETIONS_CHUNK_PROMPTS,
  DEFAULT_CHAT_CONCURRENCY,
  type Judge,
  type JudgeOptions,
  type JudgeResult,
  type JudgeUsage,
} from './judge.js';
export { judgeCallUsage } from './call-usage.js';
