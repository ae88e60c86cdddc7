// The problem a chat message states, in the form the task's Problem takes (question and params).
import { InvalidArgumentError } from '@arbor/kit';

export interface ParsedQuestion {
  question: string;
  params: Record<string, string>;
}

const COUNTDOWN_DEFAULT_TARGET = '24';
const NUMBER = /-?\d+(?:\.\d+)?/g;

/**
 * Countdown: the numbers of the message, e.g. "4 9 10 13" (target 24), or "Use 2 3 5 7 11 to make 100" (the
 * number after "make", "reach", "get" or "target" is the target). Other tasks: the message as it is.
 * Errors never quote the message.
 */
export function parseQuestion(task: string, text: string): ParsedQuestion {
  const trimmed = text.trim();
  if (trimmed === '') throw new InvalidArgumentError('messages', 'the last user message is empty');
  if (task !== 'countdown') return { question: trimmed, params: {} };
  const target = /\b(?:make|reach|get|target(?:\s+is)?|equals?)\s*:?\s*(-?\d+)/i.exec(trimmed);
  const rest = target ? trimmed.slice(0, target.index) + trimmed.slice(target.index + target[0].length) : trimmed;
  const numbers = rest.match(NUMBER) ?? [];
  if (numbers.length < 2) {
    throw new InvalidArgumentError('messages', 'a countdown problem needs at least two numbers, e.g. "4 9 10 13" or "Use 2 3 5 7 11 to make 100"');
  }
  return { question: numbers.join(' '), params: { target: target?.[1] ?? COUNTDOWN_DEFAULT_TARGET } };
}
