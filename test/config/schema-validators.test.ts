// The validators the build precompiles (scripts/precompile-schemas.mjs) cover every built-in rule and the config
// schema, and judge data exactly as ajv compiling the same schema at run time does.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { fullRegistry } from '../../src/api.js';
import { AJV_OPTIONS, PRECOMPILED_MODULE, SchemaCompiler, type PrecompiledModule, type SchemaKind } from '../../src/config/schema-validators.js';
import { assertBuilt, ROOT } from '../helpers/built.js';

const precompiled = (kind: SchemaKind): Record<string, ValidateFunction> =>
  (createRequire(import.meta.url)(join(ROOT, 'dist', 'src', 'config', PRECOMPILED_MODULE[kind])) as PrecompiledModule).bySchema;

/** Both verdicts and both error lists (defaults filled in by useDefaults included) for each sample. */
function judge(validate: ValidateFunction, samples: unknown[]) {
  return samples.map((s) => {
    const data = structuredClone(s);
    return { valid: validate(data), errors: validate.errors ?? null, data };
  });
}

const CONFIG_SAMPLES = [
  {},
  { preset: 'strict', rules: { 'ingress-world-admin-port': ['error', { ports: [22, '8000-8100'] }] } },
  { preset: 'lenient', rules: { x: 'loud' }, ignore: [{ rule: 'x' }], online: { provider: 'other', timeoutMs: -1 } },
  { overrides: [{ files: 'not-a-list' }], unknown: true },
  [],
  // Errors gathered from referenced schemas, many of them (the build appends them in place: see appendInPlace).
  {
    rules: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`r${i}`, i % 3 === 0 ? 'loud' : i % 3 === 1 ? ['x', {}] : 7])),
    environments: { dev: { rules: { a: 'quiet', b: [] } } },
    overrides: [{ files: ['a/**'], rules: { q: 'bad' } }, { files: ['b/**'], rules: { r: 2 } }],
    ignore: [{ rule: 1 }, { rule: 'x', files: 'x', until: 'soon' }],
  },
];

describe('precompiled schema validators', () => {
  beforeAll(() => assertBuilt());

  it('exist for every built-in rule and agree with ajv on its defaults and on invalid options', () => {
    const built = precompiled('ruleOptions');
    const ajv = new Ajv(AJV_OPTIONS.ruleOptions);
    for (const rule of fullRegistry()) {
      const validate = built[JSON.stringify(rule.options.schema)];
      expect(validate, rule.id).toBeDefined();
      const samples = [rule.options.defaults, {}, { unknownOption: 1 }, { ...rule.options.defaults, ports: [70000, 'x'] }, 'not an object'];
      expect(judge(validate!, samples), rule.id).toEqual(judge(ajv.compile(rule.options.schema), samples));
    }
  });

  it('exist for the config schema and agree with ajv on valid and invalid configs', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'config.schema.json'), 'utf8')) as object;
    const validate = precompiled('config')[JSON.stringify(schema)];
    expect(validate).toBeDefined();
    const fromAjv = new Ajv(AJV_OPTIONS.config).compile(schema);
    const verdicts = judge(validate!, CONFIG_SAMPLES);
    expect(verdicts).toEqual(judge(fromAjv, CONFIG_SAMPLES));
    expect(verdicts.map((v) => v.valid)).toEqual([true, true, false, false, false, false]);
    expect(verdicts[5]!.errors!.length).toBeGreaterThan(600);
  });

  it('leave a schema the build did not see to ajv', () => {
    const validate = new SchemaCompiler('ruleOptions').compile({ type: 'object', properties: { n: { type: 'integer', default: 3 } }, additionalProperties: false });
    const data: Record<string, unknown> = {};
    expect(validate(data)).toBe(true);
    expect(data).toEqual({ n: 3 });
    expect(validate({ n: 'x' })).toBe(false);
  });
});

describe('a schema the build did not see (a plugin rule, an edited schema)', () => {
  beforeAll(() => assertBuilt());

  it('is compiled with ajv at run time by the built module, as the source module does', async () => {
    const built = (await import(join(ROOT, 'dist', 'src', 'config', 'schema-validators.js'))) as { SchemaCompiler: typeof SchemaCompiler };
    const schema = { type: 'object', properties: { limit: { type: 'integer', minimum: 3 } }, additionalProperties: false };
    for (const Compiler of [built.SchemaCompiler, SchemaCompiler]) {
      const validate = new Compiler('ruleOptions').compile(schema);
      expect(validate({ limit: 5 })).toBe(true);
      expect(validate({ limit: 1 })).toBe(false);
    }
  });
});
