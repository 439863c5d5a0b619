// JSON Schema validators without ajv's compiler at run time: the build (scripts/precompile-schemas.mjs) compiles the
// config schema and the built-in rules' options schemas into plain modules. A schema the build did not see (a plugin
// rule's, or any schema when running from src/ in tests, or one edited since the build) is compiled with ajv, which is
// loaded only then.
import { createRequire } from 'node:module';
import type { Ajv, Options, ValidateFunction } from 'ajv';

/** How each kind of schema is compiled, at build time and at run time alike. */
export const AJV_OPTIONS = {
  config: { allErrors: true, strict: true, strictTuples: false, allowUnionTypes: true },
  ruleOptions: { allErrors: true, strict: true, useDefaults: true },
} satisfies Record<string, Options>;

export type SchemaKind = keyof typeof AJV_OPTIONS;

/** Where the build writes each kind's validators, relative to this module. */
export const PRECOMPILED_MODULE: Record<SchemaKind, string> = {
  config: './precompiled/config.cjs',
  ruleOptions: './precompiled/rule-options.cjs',
};

/** What a precompiled module exports: its validators by the JSON text of their schema. */
export interface PrecompiledModule {
  bySchema: Record<string, ValidateFunction>;
}

const require = createRequire(import.meta.url);

/** Loads each kind's module: a literal path per kind, so that the bundler (scripts/bundle.mjs) carries them too. */
const LOAD_PRECOMPILED: Record<SchemaKind, () => PrecompiledModule> = {
  config: () => require('./precompiled/config.cjs') as PrecompiledModule,
  ruleOptions: () => require('./precompiled/rule-options.cjs') as PrecompiledModule,
};

const precompiled = new Map<SchemaKind, Record<string, ValidateFunction>>();

function precompiledOf(kind: SchemaKind): Record<string, ValidateFunction> {
  let found = precompiled.get(kind);
  if (!found) {
    try {
      found = LOAD_PRECOMPILED[kind]().bySchema;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw e;
      found = {};
    }
    precompiled.set(kind, found);
  }
  return found;
}

/** Validators for one kind of schema: the build's where it compiled the same schema, else ajv's (one instance per compiler). */
export class SchemaCompiler {
  private ajv: Ajv | undefined;

  constructor(private readonly kind: SchemaKind) {}

  compile(schema: object): ValidateFunction {
    const ready = precompiledOf(this.kind)[JSON.stringify(schema)];
    if (ready) return ready;
    if (!this.ajv) {
      const { Ajv } = require('ajv') as typeof import('ajv');
      this.ajv = new Ajv(AJV_OPTIONS[this.kind]);
    }
    return this.ajv.compile(schema);
  }
}
