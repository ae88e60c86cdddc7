// Regenerates data/hardest-100.txt from the dataset code (run: npm run generate -w @arbor/tasks).
import { writeFileSync } from 'node:fs';
import { countdown } from '../src/index.js';

const HARDEST_COUNT = 100;
const HARDEST_FILE = new URL(`../data/hardest-${HARDEST_COUNT}.txt`, import.meta.url);

const started = performance.now();
writeFileSync(HARDEST_FILE, countdown.hardestFileText(HARDEST_COUNT));
console.log(`wrote ${HARDEST_FILE.pathname} in ${Math.round(performance.now() - started)} ms`);
