// An eval run's folder: run.json (what the run is: task, dataset and its hash, grid, settings) and one JSON lines
// file of results per configuration, appended a line per problem as it finishes. Running the same command again
// reads what is there and runs only the rest; a different command on the same folder is refused, so that one
// folder never mixes two runs.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TreeNodeJson } from '@arbor/gateway';
import { UsageError } from '../cli/usage-error.js';

export interface RunDefinition {
  task: string;
  /** The dataset as given, and a hash of its content: the same file edited is another run. */
  dataset: { path: string; sha256: string; problems: number };
  configs: string[];
  /** Settings that change results (deadline, step delimiter, target, server or in process). */
  settings: Record<string, string | number | boolean>;
}

export interface ResultLine {
  problem_id: string;
  config: string;
  answer: string;
  /** As verified against the reference; null when the problem has none. */
  correct: boolean | null;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
  expansions: number;
  generated_steps: number;
  nodes: number;
  stop_reason: string;
  wall_ms: number;
  search_id: string;
  trace_id: string;
  /** Set when a job answered the problem with a failure instead of a result (stop_reason "error"). */
  error?: string;
}

/** One node of a saved tree: the wire TreeNode in snake_case, as the gateway's viewer API writes it too. */
export type SavedNode = TreeNodeJson;

export interface SavedTree {
  search_id: string;
  problem_id: string;
  config: string;
  /** In id order: a parent before its children; the root's parent_id is its own id, 0. */
  nodes: SavedNode[];
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The definition's fields that differ from `previous`, by name. */
function differences(previous: RunDefinition, current: RunDefinition): string[] {
  const fields: string[] = [];
  if (previous.task !== current.task) fields.push('task');
  if (previous.dataset.sha256 !== current.dataset.sha256) fields.push('dataset (its content changed)');
  if (JSON.stringify(previous.configs) !== JSON.stringify(current.configs)) fields.push('grid (--algo, --budgets, --budget-unit, --seeds)');
  if (JSON.stringify(previous.settings) !== JSON.stringify(current.settings)) fields.push('settings');
  return fields;
}

export class RunFolder {
  private constructor(readonly dir: string) {}

  /** Opens (or makes) the folder for `definition`; a folder holding another run is a UsageError. */
  static open(dir: string, definition: RunDefinition): RunFolder {
    const runFile = join(dir, 'run.json');
    if (existsSync(runFile)) {
      let previous: RunDefinition;
      try {
        previous = JSON.parse(readFileSync(runFile, 'utf8')) as RunDefinition;
      } catch {
        throw new UsageError(`--out: "${runFile}" is not an eval run's definition; choose another folder`);
      }
      const changed = differences(previous, definition);
      if (changed.length > 0) {
        throw new UsageError(`--out: "${dir}" holds another run (its ${changed.join(', ')} differ); give a new folder, or the same command to resume that run`);
      }
    } else {
      try {
        mkdirSync(join(dir, 'results'), { recursive: true });
        writeFileSync(runFile, `${JSON.stringify(definition, null, 2)}\n`);
      } catch (err) {
        throw new UsageError(`--out: cannot write "${dir}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    mkdirSync(join(dir, 'results'), { recursive: true });
    return new RunFolder(dir);
  }

  resultsFile(config: string): string {
    return join(this.dir, 'results', `${config}.jsonl`);
  }

  /**
   * The results a configuration has so far, by problem id. A last line cut short (the process died while writing
   * it) is dropped from the file, so that the line appended next starts on a line of its own.
   */
  results(config: string): Map<string, ResultLine> {
    const path = this.resultsFile(config);
    const found = new Map<string, ResultLine>();
    if (!existsSync(path)) return found;
    const text = readFileSync(path, 'utf8');
    let kept = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let parsed: ResultLine;
      try {
        parsed = JSON.parse(line) as ResultLine;
      } catch {
        break;
      }
      found.set(parsed.problem_id, parsed);
      kept += Buffer.byteLength(line) + 1;
    }
    const bytes = Buffer.byteLength(text);
    if (kept < bytes) truncateSync(path, kept);
    // The last line whole but its newline not written: end it, so the next line starts on its own.
    else if (kept > bytes) appendFileSync(path, '\n');
    return found;
  }

  append(result: ResultLine): void {
    appendFileSync(this.resultsFile(result.config), `${JSON.stringify(result)}\n`);
  }

  /** trees/<config>/<problem id>.json (the id made safe as a file name). */
  treeFile(config: string, problemId: string): string {
    return join(this.dir, 'trees', config, `${encodeURIComponent(problemId)}.json`);
  }

  /** Written before the result line, so that a result in the results file always has its tree. */
  saveTree(config: string, problemId: string, tree: SavedTree): void {
    const path = this.treeFile(config, problemId);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(tree)}\n`);
  }
}
