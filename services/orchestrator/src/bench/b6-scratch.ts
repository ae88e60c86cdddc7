import { arborV1, type SearchRequest } from '@arbor/contracts';
import { createLogger } from '@arbor/kit';
import { countdown } from '@arbor/tasks';
import { readOrchestratorConfig } from '../config.js';
import { buildStack } from '../stack.js';
import { B6_LINES, fieldsFor } from './b6-params.js';

const logger = createLogger('s', { level: 'warn' });
const slip = process.env.SLIP ?? '0';
const stack = buildStack(readOrchestratorConfig({}), { ARBOR_POLICY_SLIP_RATE: slip }, logger);
const method = arborV1().SearchService.service.Search;
const P = Number(process.env.P ?? 10);
const puzzles = countdown.bundledHardestPuzzles().slice(0, P);
const budgets = (process.env.B ?? '16,64,256,1024,4096').split(',').map(Number);
const lines = process.env.L ? process.env.L.split(',') : B6_LINES;
for (const line of lines) for (const b of budgets) {
  let solved = 0, steps = 0, out = 0, ms = 0; const reasons: Record<string, number> = {};
  for (const [i, nums] of puzzles.entries()) {
    const req: SearchRequest = { problem: { task: 'countdown', question: nums.join(' '), params: { target: '24' } }, ...fieldsFor(line as never, b), budget: { maxGeneratedSteps: b }, seed: String(1 + i) };
    const t = performance.now();
    const r = await stack.runner.search(method.requestDeserialize(method.requestSerialize(req)));
    ms += performance.now() - t;
    if (r.solved) solved++; steps += r.stats!.generatedSteps as number; out += r.stats!.outputTokens as number;
    reasons[r.stopReason as string] = (reasons[r.stopReason as string] ?? 0) + 1;
  }
  console.log(line.padEnd(12), String(b).padStart(5), `solved ${solved}/${P}`, `steps ${(steps / P).toFixed(0)}`, `tok ${(out / P).toFixed(0)}`, `ms/search ${(ms / P).toFixed(1)}`, JSON.stringify(reasons));
}
