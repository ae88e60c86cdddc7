// Regenerates src/countdown/hardest-100.generated.ts from the dataset code (run: npm run generate -w @arbor/tasks).
import { writeFileSync } from 'node:fs';
// Imports the dataset module alone: the package index loads the generated file this script writes.
import { hardestModuleText } from '../src/countdown/dataset.js';

const started = performance.now();
const target = new URL('../src/countdown/hardest-100.generated.ts', import.meta.url);
writeFileSync(target, hardestModuleText(100));
console.log(`wrote ${target.pathname} in ${Math.round(performance.now() - started)} ms`);
