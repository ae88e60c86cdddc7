// Checks a body against OpenAI's published response schemas, pinned (trimmed) in response-schemas/openai.json with
// the repository, commit and path they were read from. Its own entry point (@arbor/testing/openai-schema), so only
// the tests that validate replies load ajv and compile the schemas.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';

export interface PinnedOpenAiSchemas {
  source: Record<string, string>;
  components: { schemas: Record<string, unknown> };
}

export const pinnedOpenAiSchemas = JSON.parse(readFileSync(new URL('./response-schemas/openai.json', import.meta.url), 'utf8')) as PinnedOpenAiSchemas;

// strictTypes off: OpenAI's spec leaves out `type: object` beside `required` and `discriminator` in places.
const ajv = new Ajv2020({ allErrors: true, discriminator: true, strict: true, strictTypes: false });
// OpenAPI's own formats: unixtime (an integer of seconds), uri and date.
ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:/i);
ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
ajv.addKeyword('components');
ajv.addSchema({ $id: 'openai', components: pinnedOpenAiSchemas.components });

/** What is wrong with `body` as OpenAI's `schema` (e.g. CreateChatCompletionResponse); empty when it is valid. */
export function openAiSchemaErrors(schema: string, body: unknown): string[] {
  const validate = ajv.getSchema(`openai#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no pinned schema ${schema}`);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
