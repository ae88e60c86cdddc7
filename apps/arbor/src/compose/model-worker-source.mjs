// Entry of a model worker when `arbor` runs from its TypeScript sources (bin/arbor.js): Node 20 does not pass
// `--import` loaders on to worker threads, so the worker registers tsx itself before loading the real module.
// The bundle (dist/model-worker.mjs) needs none of this.
import { register } from 'tsx/esm/api';

register();
const { default: run } = await import('./model-worker.ts');

export default run;
