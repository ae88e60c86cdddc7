// JetStream names per namespace: one token each, and never the same for two namespaces.
import { describe, expect, it } from 'vitest';
import { jetStreamNames, jobSubjects } from '../src/jobs.js';

describe('jetStreamNames', () => {
  it('keeps two namespaces apart even when they differ only by a dot or an underscore', () => {
    const names = ['', 'a.b', 'a_b', 'a_2eb', 'staging', 'a-b'].map((ns) => jetStreamNames(ns).workStream);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(jetStreamNames('staging')).toMatchObject({ workStream: 'ARBOR_JOB_WORK_staging', jobsBucket: 'arbor_jobs_staging', treesBucket: 'arbor_trees_staging' });
  });

  it('prefixes the subjects with the namespace, as the model subjects are', () => {
    expect(jobSubjects('staging.eu')).toMatchObject({ work: 'staging.eu.arbor.v1.jobs.work', searchTree: 'staging.eu.arbor.v1.searches.tree' });
    expect(jobSubjects().results).toBe('arbor.v1.jobs.results');
  });
});
