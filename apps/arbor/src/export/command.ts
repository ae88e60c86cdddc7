// `arbor export`: training data from the trees of an `arbor eval --save-trees` run, in one of the formats of
// formats.ts, a JSON object a line, to --out or stdout. The problems come from the run's own dataset (checked
// against the hash run.json keeps), so every answer is verified by the task's checker, as during the run.
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { getTask } from '@arbor/tasks';
import { choiceFlag, numberFlag, parseFlags } from '../cli/args.js';
import type { CliIO } from '../cli/io.js';
import { readEntries, TASKS } from '../cli/solve.js';
import { UsageError } from '../cli/usage-error.js';
import { sha256Of, type RunDefinition, type SavedTree } from '../eval/run-folder.js';
import { exportTree, FORMATS } from './formats.js';

export const EXPORT_FLAGS = {
  from: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  config: { type: 'string', multiple: true },
  threshold: { type: 'string' },
  margin: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const EXPORT_HELP = `Usage: arbor export --from RUN_DIR --format prm|preference|sft|value [--out FILE] [options]

Turns the trees of an "arbor eval --save-trees" run into training data, a JSON object a line (stdout unless
--out). Each step's label is the share of its finished trajectories whose answer the task's checker verified
(the Monte Carlo estimate of Math-Shepherd and OmegaPRM), read off the search's own rollouts.

  prm          {prompt, completions, labels, soft_labels}: TRL's stepwise supervision (PRMTrainer)
  preference   {prompt, chosen, rejected}: sibling steps whose estimates differ by --margin (TRL's DPOTrainer)
  sft          {messages}: every distinct verified trajectory as a chat (TRL's SFTTrainer)
  value        {prompt, steps, value_mc, value_search, visits}: value-model targets

Options:
  --config NAME        only these configurations (repeatable; default every one with trees)
  --threshold T        prm: a step is labelled true when its estimate is above T (default 0: any correct
                       trajectory below it, Math-Shepherd's hard estimate)
  --margin M           preference: the least difference of the two estimates (default 0.5)
`;

export async function exportCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(args, EXPORT_FLAGS);
  if (values.help) {
    io.stdout.write(EXPORT_HELP);
    return 0;
  }
  if (values.from === undefined) throw new UsageError('--from RUN_DIR is required: the folder of an arbor eval --save-trees run');
  const format = choiceFlag('format', values.format, FORMATS);
  if (format === undefined) throw new UsageError(`--format is required: one of ${FORMATS.join(', ')}`);
  const options = { threshold: numberFlag('threshold', values.threshold, 0, 1) ?? 0, margin: numberFlag('margin', values.margin, 0, 1) ?? 0.5 };

  const runFile = join(values.from, 'run.json');
  let run: RunDefinition;
  try {
    run = JSON.parse(readFileSync(runFile, 'utf8')) as RunDefinition;
  } catch {
    throw new UsageError(`--from: "${values.from}" is not an arbor eval run folder (no readable run.json)`);
  }
  const treesDir = join(values.from, 'trees');
  if (!existsSync(treesDir)) throw new UsageError(`--from: "${values.from}" has no trees; run arbor eval with --save-trees`);
  const task = choiceFlag('task', run.task, TASKS) ?? 'countdown';
  const datasetPath = run.dataset.path;
  if (datasetPath !== 'samples' && (!existsSync(datasetPath) || sha256Of(datasetPath) !== run.dataset.sha256)) {
    throw new UsageError(`--from: the run's dataset "${datasetPath}" is missing or has changed since the run; its problems are needed to check answers`);
  }
  const settings = run.settings;
  const entries = await readEntries(task, {
    ...(datasetPath === 'samples' ? { samples: true } : { file: datasetPath }),
    ...(settings.target !== undefined && { target: String(settings.target) }),
    ...(settings.step_delimiter !== undefined && { 'step-delimiter': String(settings.step_delimiter) }),
  } as Parameters<typeof readEntries>[1]);
  const problems = new Map(entries.map((e) => [e.problem.id, e.problem]));
  const checker = getTask(task);

  const configs = values.config ?? readdirSync(treesDir).sort();
  for (const config of configs) {
    if (!existsSync(join(treesDir, config))) throw new UsageError(`--config: the run has no trees of "${config.slice(0, 128)}"`);
  }
  const file = values.out === undefined ? undefined : createWriteStream(values.out);
  const out = file ?? io.stdout;
  let records = 0;
  let trees = 0;
  for (const config of configs) {
    for (const name of readdirSync(join(treesDir, config)).filter((n) => n.endsWith('.json')).sort()) {
      const tree = JSON.parse(readFileSync(join(treesDir, config, name), 'utf8')) as SavedTree;
      const problem = problems.get(tree.problem_id);
      if (!problem) throw new UsageError(`--from: a tree names problem "${tree.problem_id.slice(0, 128)}", which the dataset does not hold`);
      for (const record of exportTree(format, { tree, question: problem.question, verified: (answer) => checker.verifyAnswer(problem, answer) }, options)) {
        out.write(`${JSON.stringify({ ...record, config })}\n`);
        records++;
      }
      trees++;
    }
  }
  if (file) {
    file.end();
    await finished(file);
  }
  io.stderr.write(`arbor export: ${records} ${format} records from ${trees} trees\n`);
  return 0;
}
