// A job's messages in JetStream. A work message is the search request itself (protobuf, as over gRPC), with its
// problem, seed and search id filled in, so that any replica runs it with nothing else to read; its subject ends
// in <job>.<configuration>.<problem>. A result message is the JobEvent WatchJob sends, so it is forwarded as is.
import { arborV1, type JobEvent, type JobEvent__Output, type Problem, type SearchRequest__Output } from '@arbor/contracts';

export interface JobItem {
  jobId: string;
  configuration: number;
  problem: number;
}

/** "<job>.<configuration>.<problem>": the tail of the item's subjects, its results' de-duplication id, its search id. */
export function itemId(item: JobItem): string {
  return `${item.jobId}.${item.configuration}.${item.problem}`;
}

/** The item a work or result subject names, from its last three tokens. */
export function itemOfSubject(subject: string): JobItem | undefined {
  const match = /\.([A-Za-z0-9_-]{1,64})\.(\d{1,9})\.(\d{1,9})$/.exec(subject);
  if (!match) return undefined;
  return { jobId: match[1]!, configuration: Number(match[2]), problem: Number(match[3]) };
}

const searchCodec = () => arborV1().SearchService.service.Search;
const eventCodec = () => arborV1().JobService.service.WatchJob;

/** Problem i of a configuration runs with its seed + i: as `arbor eval` in process does. */
export function encodeWork(item: JobItem, search: SearchRequest__Output, problem: Problem): Uint8Array {
  const seed = (BigInt(search.seed || '0') + BigInt(item.problem)) % 2n ** 64n;
  return searchCodec().requestSerialize({ ...search, problem, searchId: itemId(item), seed: seed.toString(), includeTree: false, answers: 0 });
}

export function decodeWork(data: Uint8Array): SearchRequest__Output {
  return searchCodec().requestDeserialize(Buffer.from(data)) as SearchRequest__Output;
}

export function encodeJobEvent(event: JobEvent): Uint8Array {
  return eventCodec().responseSerialize(event);
}

export function decodeJobEvent(data: Uint8Array): JobEvent__Output {
  return eventCodec().responseDeserialize(Buffer.from(data)) as JobEvent__Output;
}
