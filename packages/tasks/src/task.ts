// The shape every task domain (countdown, math, ...) exposes to the orchestrator and the model backends.

/** The task-relevant part of a wire `Problem`; `Problem__Output` from @arbor/contracts satisfies it. */
export interface ProblemLike {
  task: string;
  question: string;
  params: Record<string, string>;
}

export interface TaskDefinition {
  /** Registry name, e.g. 'countdown'. */
  readonly name: string;
  /** Throws InvalidArgumentError naming the offending field (e.g. `problem.question`). */
  validateProblem(problem: ProblemLike): void;
  /** Exact verdict on a final answer; throws only for a malformed problem. */
  verifyAnswer(problem: ProblemLike, answer: string): boolean;
  /** Groups answers for majority vote: equal keys mean "the same answer"; 'invalid' for unusable answers. */
  answerKey(problem: ProblemLike, answer: string): string;
  /**
   * The key function for the answers of one search, where grouping needs more than one answer's spelling (math:
   * equivalent answers share a key). Without it, `answerKey`. Call once per search; the function keeps state.
   */
  answerKeys?(problem: ProblemLike): (answer: string) => string;
  /** Canonical key of the state a trajectory reaches, so a search can merge transpositions. */
  stateKey(problem: ProblemLike, steps: readonly string[]): string;
}

/** The key function for one search's answers: the task's own (answerKeys) or its answerKey. */
export function answerKeysOf(task: TaskDefinition, problem: ProblemLike): (answer: string) => string {
  return task.answerKeys?.(problem) ?? ((answer) => task.answerKey(problem, answer));
}
