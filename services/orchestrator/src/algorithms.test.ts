import { InvalidArgumentError } from '@arbor/kit/errors';
import type { SearchRequest__Output } from '@arbor/contracts';
import { describe, expect, it } from 'vitest';
import { algorithmFromRequest, SERVER_DEFAULTS } from './algorithms.js';

/** A decoded request with only the given oneof member set; enum fields may be numbers, as proto-loader leaves unknown ones. */
const request = (member: Record<string, unknown>) => ({ problem: null, budget: null, ...member }) as unknown as SearchRequest__Output;

function errorOf(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidArgumentError) return err;
    throw err;
  }
  throw new Error('expected an InvalidArgumentError');
}

const VOTES = 'VOTE_UNSPECIFIED (0), VOTE_MAJORITY (1), VOTE_REWARD_WEIGHTED (2), VOTE_BEST (3)';
const AGGREGATIONS = 'REWARD_AGGREGATION_UNSPECIFIED (0), REWARD_AGGREGATION_LAST (1), REWARD_AGGREGATION_MIN (2), REWARD_AGGREGATION_PRODUCT (3)';

describe('algorithmFromRequest: enum values', () => {
  it('maps known names and leaves UNSPECIFIED to the server default', () => {
    expect(algorithmFromRequest(request({ bestOfN: { n: 4, vote: 'VOTE_BEST', aggregation: 'REWARD_AGGREGATION_MIN' } }))).toMatchObject({
      kind: 'bon',
      vote: 'best',
      aggregation: 'min',
    });
    expect(algorithmFromRequest(request({ bestOfN: { n: 4, vote: 'VOTE_UNSPECIFIED', aggregation: 'REWARD_AGGREGATION_UNSPECIFIED' } }))).toMatchObject({
      vote: SERVER_DEFAULTS.bon.vote,
      aggregation: SERVER_DEFAULTS.bon.aggregation,
    });
    expect(algorithmFromRequest(request({ mcts: { finalChoice: 'FINAL_CHOICE_VALUE' } }))).toMatchObject({ finalChoice: 'value' });
    expect(algorithmFromRequest(request({ bestFirst: { priority: 'BEST_FIRST_PRIORITY_LOGPROB' } }))).toMatchObject({ priority: 'logprob' });
  });

  it.each([
    [{ bestOfN: { vote: 99 } }, 'best_of_n.vote', `best_of_n.vote: 99 is not a known value; known: ${VOTES}`],
    [{ bestOfN: { aggregation: 99 } }, 'best_of_n.aggregation', `best_of_n.aggregation: 99 is not a known value; known: ${AGGREGATIONS}`],
    [{ beam: { aggregation: 7 } }, 'beam.aggregation', `beam.aggregation: 7 is not a known value; known: ${AGGREGATIONS}`],
    [{ dvts: { vote: -1 } }, 'dvts.vote', `dvts.vote: -1 is not a known value; known: ${VOTES}`],
    [{ rebase: { aggregation: 4 } }, 'rebase.aggregation', `rebase.aggregation: 4 is not a known value; known: ${AGGREGATIONS}`],
    [{ rebase: { vote: 4 } }, 'rebase.vote', `rebase.vote: 4 is not a known value; known: ${VOTES}`],
    [{ mcts: { finalChoice: 3 } }, 'mcts.final_choice', 'mcts.final_choice: 3 is not a known value; known: FINAL_CHOICE_UNSPECIFIED (0), FINAL_CHOICE_VISITS (1), FINAL_CHOICE_VALUE (2)'],
    [
      { bestFirst: { priority: 9 } },
      'best_first.priority',
      'best_first.priority: 9 is not a known value; known: BEST_FIRST_PRIORITY_UNSPECIFIED (0), BEST_FIRST_PRIORITY_VALUE (1), BEST_FIRST_PRIORITY_LOGPROB (2)',
    ],
  ])('refuses an unknown number %#, naming the field', (member, field, message) => {
    const err = errorOf(() => algorithmFromRequest(request(member)));
    expect(err.field).toBe(field);
    expect(err.kind).toBe('invalid_argument');
    expect(err.message).toBe(message);
  });

  it('refuses an unknown name, suggesting the closest', () => {
    expect(errorOf(() => algorithmFromRequest(request({ bestOfN: { vote: 'VOTE_MAJORTY' } }))).message).toBe(
      `best_of_n.vote: "VOTE_MAJORTY" is not a known value (did you mean VOTE_MAJORITY?); known: ${VOTES}`,
    );
    expect(errorOf(() => algorithmFromRequest(request({ bestOfN: { vote: 'x'.repeat(500) } }))).message).toBe(
      `best_of_n.vote: a name that is not one is not a known value; known: ${VOTES}`,
    );
  });
});

describe('algorithmFromRequest: particle_filter', () => {
  it('fills unset fields from the server defaults', () => {
    expect(algorithmFromRequest(request({ particleFilter: {} }))).toEqual({
      kind: 'particle_filter',
      particles: 32,
      aggregation: 'last',
      temperature: 0.2,
      useValue: true,
      stopOnSolution: true,
      dedupeStates: true,
      vote: 'reward_weighted',
    });
    expect(SERVER_DEFAULTS.particle_filter).toMatchObject({ particles: 32, useValue: true });
  });

  it('maps every field of the message', () => {
    const config = algorithmFromRequest(
      request({
        particleFilter: {
          particles: 8,
          aggregation: 'REWARD_AGGREGATION_MIN',
          temperature: 0.25,
          stopOnSolution: false,
          vote: 'VOTE_MAJORITY',
          useValue: false,
          dedupeStates: false,
        },
      }),
    );
    expect(config).toEqual({
      kind: 'particle_filter',
      particles: 8,
      aggregation: 'min',
      temperature: 0.25,
      useValue: false,
      stopOnSolution: false,
      dedupeStates: false,
      vote: 'majority',
    });
  });

  it.each([
    [{ particles: 1025 }, 'particle_filter.particles', 'particle_filter.particles: must be an integer between 1 and 1024'],
    [{ temperature: -1 }, 'particle_filter.temperature', 'particle_filter.temperature: must be a number greater than 0 and at most 100'],
    [{ temperature: 101 }, 'particle_filter.temperature', 'particle_filter.temperature: must be a number greater than 0 and at most 100'],
    [{ aggregation: 9 }, 'particle_filter.aggregation', `particle_filter.aggregation: 9 is not a known value; known: ${AGGREGATIONS}`],
    [{ vote: 'VOTE_BESTT' }, 'particle_filter.vote', `particle_filter.vote: "VOTE_BESTT" is not a known value (did you mean VOTE_BEST?); known: ${VOTES}`],
  ])('refuses %j, naming the field', (fields, field, message) => {
    const err = errorOf(() => algorithmFromRequest(request({ particleFilter: fields })));
    expect(err.field).toBe(field);
    expect(err.message).toBe(message);
  });
});
