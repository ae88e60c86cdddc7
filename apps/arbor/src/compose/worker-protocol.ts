// What the main thread and a model worker send each other.
import type { ModelService } from '@arbor/search';

export interface WorkerTask {
  service: ModelService;
  request: Uint8Array;
}

export type WorkerReply = { reply: Uint8Array } | { error: { code: number; details: string } };
