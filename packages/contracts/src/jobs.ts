// The NATS side of durable jobs and of the searches every orchestrator replica can reach: the JetStream streams,
// buckets and consumer that hold jobs, results and finished trees, and the subjects replicas use to reach the one
// that runs a search. All are named from the stack's namespace, as the model subjects are, so that stacks sharing
// one NATS server stay apart; the NATS permissions (apps/arbor/src/nats-config) are derived from these names.

/**
 * JetStream names are one token of letters, digits, - and _. A namespace's dots and underscores are escaped
 * (`.` as `_2e`, `_` as `_5f`), so that two namespaces never share a name: `a.b` and `a_b` stay apart.
 */
function nameSuffix(namespace: string): string {
  return namespace ? `_${namespace.replace(/[._]/g, (c) => (c === '.' ? '_2e' : '_5f'))}` : '';
}

export interface JetStreamNames {
  /** Work-queue stream of the problems still to run, one message per (job, configuration, problem). */
  workStream: string;
  /** Results of every job, one message per (job, configuration, problem), de-duplicated by that triple. */
  resultsStream: string;
  /** The durable pull consumer every orchestrator replica takes work from. */
  workConsumer: string;
  /** Key-value bucket of job records (who submitted it, its grid, whether it was cancelled). */
  jobsBucket: string;
  /** Object store bucket of finished trees, so that any replica answers GetTree for any search. */
  treesBucket: string;
}

export function jetStreamNames(namespace = ''): JetStreamNames {
  const suffix = nameSuffix(namespace);
  return {
    workStream: `ARBOR_JOB_WORK${suffix}`,
    resultsStream: `ARBOR_JOB_RESULTS${suffix}`,
    workConsumer: 'orchestrators',
    jobsBucket: `arbor_jobs${suffix}`,
    treesBucket: `arbor_trees${suffix}`,
  };
}

export interface JobSubjects {
  /** Prefix of work messages: `<work>.<job>.<configuration>.<problem>`. */
  work: string;
  /** Prefix of result messages: `<results>.<job>.<configuration>.<problem>`. */
  results: string;
  /** Broadcast to every replica: stop the running searches of a cancelled job. */
  cancelJob: string;
  /** Asked of every replica; the one running the search answers with a page of its tree. */
  searchTree: string;
  /** Asked of every replica; the one running the search cancels it and answers. */
  cancelSearch: string;
  /** Asked of every replica; each answers with the caller's recent searches it holds. */
  listSearches: string;
}

export function jobSubjects(namespace = ''): JobSubjects {
  const prefix = namespace ? `${namespace}.` : '';
  return {
    work: `${prefix}arbor.v1.jobs.work`,
    results: `${prefix}arbor.v1.jobs.results`,
    cancelJob: `${prefix}arbor.v1.jobs.cancel`,
    searchTree: `${prefix}arbor.v1.searches.tree`,
    cancelSearch: `${prefix}arbor.v1.searches.cancel`,
    listSearches: `${prefix}arbor.v1.searches.list`,
  };
}

/** A job id: one NATS token (the server assigns UUIDs). */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
