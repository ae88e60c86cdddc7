// Name -> task lookup used by the orchestrator and the model services.
import { InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { countdownTask } from './countdown/task.js';
import { mathTask } from './math/task.js';
import type { TaskDefinition } from './task.js';

const TASKS: ReadonlyMap<string, TaskDefinition> = new Map([
  [countdownTask.name, countdownTask],
  [mathTask.name, mathTask],
]);

/** Names of every registered task, sorted. */
export function taskNames(): string[] {
  return [...TASKS.keys()].sort();
}

export function getTask(name: string): TaskDefinition {
  const task = TASKS.get(name);
  if (task === undefined) {
    throw new InvalidArgumentError('problem.task', `unknown task ${nameInMessage(name)}; known: ${taskNames().join(', ')}`);
  }
  return task;
}
