// Public API of @arbor/tasks: the task registry and the task domains, countdown (Game of 24) and math.
export { answerKeysOf, type ProblemLike, type TaskDefinition } from './task.js';
export { getTask, taskNames } from './registry.js';
export { estimateTokens } from './tokens.js';
export * as countdown from './countdown/index.js';
export * as math from './math/index.js';
