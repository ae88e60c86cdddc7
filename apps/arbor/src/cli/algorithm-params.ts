// `--param name=value` for the chosen algorithm: names and types come from the algorithm's proto message, so
// every field a SearchRequest can set is settable from the CLI, with no second list to keep in step.
import { arborPackageDefinition } from '@arbor/contracts';
import { didYouMean } from './suggest.js';
import { UsageError } from './usage-error.js';

interface FieldDescriptor {
  name: string;
  type: string;
  typeName: string;
}

interface MessageDescriptor {
  type: { field: FieldDescriptor[]; value?: { name: string }[] };
}

function descriptor(fullName: string): MessageDescriptor {
  const found = arborPackageDefinition()[fullName] as unknown as MessageDescriptor | undefined;
  if (!found) throw new Error(`no proto type ${fullName}`);
  return found;
}

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const INTEGER_TYPES = new Set(['TYPE_UINT32', 'TYPE_INT32', 'TYPE_UINT64', 'TYPE_INT64']);

function parseValue(field: FieldDescriptor, raw: string, flag: string): number | boolean | string {
  if (field.type === 'TYPE_BOOL') {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new UsageError(`${flag}: expected true or false, got "${raw}"`);
  }
  if (field.type === 'TYPE_ENUM') {
    const names = (descriptor(`arbor.v1.${field.typeName}`).type.value ?? []).map((v) => v.name).filter((n) => !n.endsWith('_UNSPECIFIED'));
    // Accept the short form (`min`) as well as the full enum name (`REWARD_AGGREGATION_MIN`).
    const match = names.find((n) => n === raw || n.toLowerCase().endsWith(`_${raw.toLowerCase()}`));
    if (!match) throw new UsageError(`${flag}: expected one of ${names.map((n) => n.split('_').pop()!.toLowerCase()).join(', ')}, got "${raw}"`);
    return match;
  }
  const value = Number(raw);
  const integer = INTEGER_TYPES.has(field.type);
  if (raw.trim() === '' || !Number.isFinite(value) || (integer && (!Number.isInteger(value) || value < 0))) {
    throw new UsageError(`${flag}: expected ${integer ? 'a non-negative integer' : 'a number'}, got "${raw}"`);
  }
  return value;
}

/** Known parameter names of a message, snake_case as in the proto. */
export function paramNames(messageType: string): string[] {
  return descriptor(`arbor.v1.${messageType}`).type.field.map((f) => snake(f.name));
}

/** Turns `name=value` pairs into the fields of algorithm `algo`'s message, checking names and types. */
export function parseAlgorithmParams(
  algo: string,
  algorithms: Readonly<Record<string, { message: string }>>,
  pairs: readonly string[],
): Record<string, number | boolean | string> {
  const messageType = algorithms[algo]!.message;
  const fields = descriptor(`arbor.v1.${messageType}`).type.field;
  const out: Record<string, number | boolean | string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param: expected name=value, got "${pair.slice(0, 64)}"`);
    const name = pair.slice(0, eq).trim();
    const field = fields.find((f) => f.name === camel(name));
    if (!field) throw new UsageError(unknownParam(name, algo, algorithms));
    out[field.name] = parseValue(field, pair.slice(eq + 1).trim(), `--param ${name}`);
  }
  return out;
}

/** Names the algorithm, the closest known name, and the algorithms that do take the parameter. */
function unknownParam(name: string, algo: string, algorithms: Readonly<Record<string, { message: string }>>): string {
  const known = paramNames(algorithms[algo]!.message);
  const owners = Object.entries(algorithms)
    .filter(([other, { message }]) => other !== algo && paramNames(message).includes(name))
    .map(([other]) => `--algo ${other}`);
  const elsewhere = owners.length > 0 ? `; ${name} is a parameter of ${owners.join(', ')}` : '';
  return `--param: ${algo} has no parameter "${name.slice(0, 64)}"${didYouMean(name, known)}${elsewhere}; its parameters: ${known.join(', ')}`;
}
