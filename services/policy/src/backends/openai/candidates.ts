// From generated steps to the response's candidates: judged by the task, rejected and empty ones dropped and
// counted (each was generated and paid for), and repeats merged, uncounted, since the search wants distinct
// children and a repeat is a valid step.
import type { Candidate } from '@arbor/contracts';
import { estimateTokens } from '@arbor/tasks';
import type { Generation } from './generations.js';
import type { Judged } from './judged.js';

export interface CandidateSet {
  candidates: Candidate[];
  invalidCandidates: number;
}

export function collectCandidates(generations: readonly Generation[], judge: (generation: Generation) => Judged): CandidateSet {
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  let invalidCandidates = 0;
  for (const generation of generations) {
    const judged = judge(generation);
    if (judged.kind !== 'step') {
      invalidCandidates++;
      continue;
    }
    if (seen.has(judged.text)) continue;
    seen.add(judged.text);
    candidates.push({
      // The first of equal steps is kept with its own logprob: each is one sample of the same step.
      step: { text: judged.text, logprob: generation.logprob, tokens: generation.tokens ?? estimateTokens(generation.text) },
      terminal: judged.terminal,
      answer: judged.answer,
    });
  }
  return { candidates, invalidCandidates };
}
