// A job's messages: the item a subject names, the search a work message carries (problem, seed + i, search id).
import { describe, expect, it } from 'vitest';
import type { SearchRequest__Output } from '@arbor/contracts';
import { arborV1 } from '@arbor/contracts';
import { decodeJobEvent, decodeWork, encodeJobEvent, encodeWork, itemId, itemOfSubject } from './job-codec.js';

const search = arborV1().SearchService.service.Search.requestDeserialize(
  arborV1().SearchService.service.Search.requestSerialize({ mcts: { simulations: 9 }, budget: { maxExpansions: 5 }, seed: '18446744073709551615', includeTree: true, answers: 4 }),
) as SearchRequest__Output;

describe('job items', () => {
  it('reads the item from the last three tokens of a work or result subject, and nothing else', () => {
    const item = { jobId: 'f44c00c3-ce3d-4dd1-a3c9-884658e3b40b', configuration: 3, problem: 1207 };
    expect(itemOfSubject(`staging.arbor.v1.jobs.work.${itemId(item)}`)).toEqual(item);
    expect(itemOfSubject(`arbor.v1.jobs.results.${itemId(item)}`)).toEqual(item);
    expect(itemOfSubject('arbor.v1.jobs.work.job.x.1')).toBeUndefined();
    expect(itemOfSubject('arbor.v1.jobs.work')).toBeUndefined();
  });

  it('a work message is the configuration search with the problem, seed + problem index (wrapping at 2^64), and the item as search id', () => {
    const item = { jobId: 'job1', configuration: 0, problem: 2 };
    const problem = { id: 'p2', task: 'countdown', question: '4 9 10 13', params: { target: '24' } };
    const decoded = decodeWork(encodeWork(item, search, problem));
    expect(decoded.searchId).toBe('job1.0.2');
    expect(decoded.seed).toBe('1');
    expect(decoded.problem).toMatchObject({ id: 'p2', question: '4 9 10 13', params: { target: '24' } });
    expect(decoded.mcts?.simulations).toBe(9);
    expect(decoded.budget?.maxExpansions).toBe(5);
    // A job's result holds no tree and no answer list: GetTree serves trees, and every result stays small.
    expect(decoded.includeTree).toBe(false);
    expect(decoded.answers).toBe(0);
  });

  it('a result message is the JobEvent WatchJob sends', () => {
    const event = decodeJobEvent(encodeJobEvent({ result: { jobId: 'j', configurationIndex: 1, problemIndex: 2, problemId: 'p', errorCode: 'INVALID_ARGUMENT', errorMessage: 'x', attempts: 3 } }));
    expect(event.result).toMatchObject({ jobId: 'j', configurationIndex: 1, problemIndex: 2, problemId: 'p', errorCode: 'INVALID_ARGUMENT', attempts: 3, result: null });
  });
});
