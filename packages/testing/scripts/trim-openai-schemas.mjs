// Rebuilds src/response-schemas/openai.json from OpenAI's published spec (github.com/openai/openai-openapi,
// openapi.json): the response schemas named below and every schema they $ref, with text-only keywords removed.
//   node scripts/trim-openai-schemas.mjs PATH/TO/openapi.json COMMIT
import { readFileSync, writeFileSync } from 'node:fs';

const [specPath, commit] = process.argv.slice(2);
if (!specPath || !commit) {
  console.error('usage: node scripts/trim-openai-schemas.mjs PATH/TO/openapi.json COMMIT');
  process.exit(2);
}
const ROOTS = ['CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse', 'CreateCompletionResponse', 'ListModelsResponse', 'ErrorResponse'];
/** Keywords that hold text or generator metadata, never a constraint. */
const DROPPED = new Set(['description', 'example', 'examples', 'x-oaiMeta', 'x-stainless-const', 'deprecated', 'title', 'x-oaiTypeLabel', 'x-oaiExpandable', 'x-stainless-naming']);

const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const all = spec.components.schemas;
const kept = {};

/**
 * A schema without the dropped keywords; the names inside `properties` are property names, never dropped. The
 * spec is OpenAPI 3.1 (JSON Schema 2020-12) but keeps 3.0's `nullable: true` in places; it becomes what it
 * means in 2020-12: beside a `$ref`, anyOf the reference and null; beside a type, null added to the type (and to
 * the enum, which 3.0 let null pass).
 */
function strip(value) {
  if (Array.isArray(value)) return value.map(strip);
  if (value === null || typeof value !== 'object') return value;
  if (value.nullable === true) {
    const { nullable: _nullable, ...rest } = value;
    if (rest.type === undefined) return { anyOf: [strip(rest), { type: 'null' }] };
    const types = Array.isArray(rest.type) ? rest.type : [rest.type];
    return strip({
      ...rest,
      type: types.includes('null') ? types : [...types, 'null'],
      ...(Array.isArray(rest.enum) && !rest.enum.includes(null) && { enum: [...rest.enum, null] }),
    });
  }
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !DROPPED.has(k))
      .map(([k, v]) => [k, k === 'properties' && v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([name, s]) => [name, strip(s)])) : strip(v)]),
  );
}

function refsOf(value, found = new Set()) {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') found.add(v.replace('#/components/schemas/', ''));
      else refsOf(v, found);
    }
  }
  return found;
}

const queue = [...ROOTS];
while (queue.length > 0) {
  const name = queue.shift();
  if (kept[name]) continue;
  if (!all[name]) throw new Error(`no schema ${name} in the spec`);
  kept[name] = strip(all[name]);
  for (const ref of refsOf(kept[name])) queue.push(ref);
}

const out = {
  server: 'openai',
  source: {
    repository: 'openai/openai-openapi',
    commit,
    path: 'openapi.json: components.schemas',
    openapi: spec.openapi,
    'info.version': spec.info.version,
    trimmed: `the response schemas ${ROOTS.join(', ')} and the schemas they $ref, verbatim but for the schema keywords ${[...DROPPED].join(', ')} (text and metadata, no constraints); OpenAPI 3.0's nullable written as 2020-12 null types`,
  },
  components: { schemas: kept },
};
writeFileSync(new URL('../src/response-schemas/openai.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(`kept ${Object.keys(kept).length} schemas`);
