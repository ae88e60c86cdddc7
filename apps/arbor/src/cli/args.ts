// Flag parsing on node:util parseArgs, with every mistake turned into a UsageError that names the flag.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from './suggest.js';
import { UsageError } from './usage-error.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs reads `--budget -5` as a flag followed by another flag; a negative number is a value here, so it
 * is joined to its flag and then rejected by the flag's own range check with a message that names it.
 */
function joinNegativeValues(args: string[], options: Options): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

export function parseFlags<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals, strict: true });
  } catch (err) {
    // parseArgs messages are already one clear line ("Unknown option '--x'..."); keep only that line, and
    // name the flag that was probably meant.
    const message = err instanceof Error ? err.message.split('\n')[0] ?? String(err) : String(err);
    const unknown = /^Unknown option '--([^'=]+)'/.exec(message)?.[1];
    if (unknown !== undefined) {
      const hint = didYouMean(unknown, Object.keys(options), (name) => `--${name}`);
      throw new UsageError(`unknown option --${unknown}${hint}; see --help`);
    }
    throw new UsageError(message);
  }
}

export function integerFlag(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${name}: expected an integer, got "${raw}"`);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`--${name}: must be between ${min} and ${max}, got ${raw.trim()}`);
  return value;
}

export function numberFlag(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name}: expected a number, got "${raw}"`);
  if (value < min || value > max) throw new UsageError(`--${name}: must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** One of `choices`, in any case (`MCTS` is `mcts`). */
export function choiceFlag<T extends string>(name: string, raw: string | undefined, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  const match = choices.find((choice) => choice.toLowerCase() === raw.trim().toLowerCase());
  if (match === undefined) {
    throw new UsageError(`--${name}: unknown value "${raw.slice(0, 64)}"${didYouMean(raw, choices)}; expected one of ${choices.join(', ')}`);
  }
  return match;
}
