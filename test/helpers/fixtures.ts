import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { lint } from '../../src/api.js';
import { CONFIG_NAMES } from '../../src/config/load.js';
import type { RuleModule } from '../../src/engine/define-rule.js';
import type { Result } from '../../src/engine/result.js';
import type { SourceFormat } from '../../src/model/types.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
/** The date the fixtures are judged on (suppression expiry). */
export const FIXTURE_TODAY = '2026-11-30';

/** Formats that have a front end today; each rule needs pass and fail fixtures in each. */
export const IMPLEMENTED_FORMATS: SourceFormat[] = ['terraform', 'cloudformation', 'cdk', 'aws'];

/**
 * Rules about what AWS refuses at deploy time (RULES.md: "Deploy would fail"; rule-duplicate: "AWS rejects"): an export
 * lists only what AWS accepted, so their AWS export fixtures are passing cases only.
 */
export const REFUSED_AT_DEPLOY = new Set(['rule-shape-invalid', 'rule-description-invalid', 'group-description-invalid', 'rule-duplicate']);

/** Formats whose examples each rule's doc page shows (and the meta-test runs); AWS exports have fixtures only. */
export const DOC_EXAMPLE_FORMATS: SourceFormat[] = ['terraform', 'cloudformation', 'cdk'];

const CASE = /^(pass|fail)-[a-z0-9]+(?:-[a-z0-9]+)*(\.tf|\.tf\.json|\.cfn\.yaml|\.cfn\.json|\.cdk\.ts|\.aws\.json)?$/;
const SIDE_CARS = /\.(options|expect)\.json$/;

export interface FixtureCase {
  rule: string;
  name: string;
  kind: 'pass' | 'fail';
  /** Absolute path of the case file or folder. */
  path: string;
  isDir: boolean;
  formats: SourceFormat[];
  optionsFile?: string;
  expectFile?: string;
}

export function formatOfFile(name: string): SourceFormat | null {
  if (name.endsWith('.tf') || name.endsWith('.tf.json')) return 'terraform';
  if (name.endsWith('.cfn.yaml') || name.endsWith('.cfn.json')) return 'cloudformation';
  if (name.endsWith('.cdk.ts')) return 'cdk';
  // An AWS CLI export (describe-security-groups and what is given beside it); JSON, so expectations are paths.
  if (name.endsWith('.aws.json')) return 'aws';
  return null;
}

const stem = (name: string) => name.replace(/(\.tf|\.tf\.json|\.cfn\.yaml|\.cfn\.json|\.cdk\.ts|\.aws\.json)$/, '');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Every case of a rule's fixture folder; throws on names the harness does not understand. */
export function fixtureCases(rule: string): FixtureCase[] {
  const dir = join(FIXTURES, rule);
  if (!existsSync(dir)) return [];
  const cases: FixtureCase[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === '__snapshots__' || SIDE_CARS.test(name)) continue;
    const m = CASE.exec(name);
    if (!m) throw new Error(`fixtures/${rule}/${name}: not a fixture case name (pass-<slug>.<ext> or fail-<slug>[/])`);
    const path = join(dir, name);
    const isDir = statSync(path).isDirectory();
    const formats = isDir
      ? [...new Set(filesUnder(path).map((f) => formatOfFile(f)).filter((f): f is SourceFormat => f !== null))]
      : [formatOfFile(name)].filter((f): f is SourceFormat => f !== null);
    if (formats.length === 0) throw new Error(`fixtures/${rule}/${name}: no source file of a known format`);
    const base = isDir ? name : stem(name);
    const optionsFile = join(dir, `${base}.options.json`);
    const expectFile = join(dir, `${base}.expect.json`);
    cases.push({
      rule,
      name,
      kind: m[1] as 'pass' | 'fail',
      path,
      isDir,
      formats,
      ...(existsSync(optionsFile) ? { optionsFile } : {}),
      ...(existsSync(expectFile) ? { expectFile } : {}),
    });
  }
  return cases;
}

export interface Expectation {
  /** 1-based line → how many findings of the rule are expected there. */
  lines: Map<string, number>;
  /** Lines that must have no finding of the rule. */
  okLines: Set<string>;
  /** Logical paths expected (from an .expect.json sidecar), with multiplicity. */
  paths: string[];
  /** Rule ids named by annotations that are not the folder's rule (an error). */
  foreign: string[];
}

const ANNOTATION = /(?:#|\/\/|\/\*)\s*sg-lint-expect(-ok)?:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/;

/** Reads `sg-lint-expect: <rule>` / `sg-lint-expect-ok: <rule>` comments: each targets the next line that is not a comment or blank. */
export function readExpectations(rule: string, files: { rel: string; text: string }[], expectFile?: string): Expectation {
  const e: Expectation = { lines: new Map(), okLines: new Set(), paths: [], foreign: [] };
  for (const { rel, text } of files) {
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const m = ANNOTATION.exec(line);
      if (!m) return;
      const ids = m[2]!.split(',').map((s) => s.trim());
      e.foreign.push(...ids.filter((id) => id !== rule));
      const ownLine = /^\s*(#|\/\/|\/\*)/.test(line);
      let target = i + 1;
      if (ownLine) {
        target = i + 2;
        while (target <= lines.length && /^\s*(#|\/\/|\/\*|$)/.test(lines[target - 1]!)) target++;
      }
      const key = `${rel}:${target}`;
      for (const id of ids) {
        if (id !== rule) continue;
        if (m[1]) e.okLines.add(key);
        else e.lines.set(key, (e.lines.get(key) ?? 0) + 1);
      }
    });
  }
  if (expectFile) {
    const list = JSON.parse(readFileSync(expectFile, 'utf8')) as unknown;
    if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) throw new Error(`${expectFile}: expected a JSON array of logical paths`);
    e.paths.push(...(list as string[]));
  }
  return e;
}

/** Copies a case into a fresh directory (so cases never see each other) and lints it with only the rule under test. */
export async function runCase(c: FixtureCase, rule: RuleModule<any>): Promise<{ result: Result; files: { rel: string; text: string }[] }> {
  const work = mkdtempSync(join(tmpdir(), 'sg-fixture-'));
  try {
    const target = join(work, c.name);
    cpSync(c.path, target, { recursive: true });
    const options = c.optionsFile ? (JSON.parse(readFileSync(c.optionsFile, 'utf8')) as Record<string, unknown>) : undefined;
    const setting = options ? [rule.level, options] : rule.level;
    writeFileSync(join(work, '.sg-lint.json'), JSON.stringify({ rules: { [rule.id]: setting } }));
    // A case folder may bring its own config (e.g. the online pass's `file` provider). The nearest config wins whole,
    // so the rule's setting is merged into it.
    const own = c.isDir ? CONFIG_NAMES.map((n) => join(target, n)).find((f) => existsSync(f)) : undefined;
    if (own) {
      const config = (parseYaml(readFileSync(own, 'utf8')) ?? {}) as { rules?: Record<string, unknown> };
      writeFileSync(own, JSON.stringify({ ...config, rules: { ...config.rules, [rule.id]: setting } }));
    }
    // The harness is the user here: it lets a case's config turn on the online pass (what SG_LINT_ONLINE=1 does).
    const result = await lint([c.name], { cwd: work, registry: [rule], preset: 'all', today: FIXTURE_TODAY, online: { allowConfigEnable: true } });
    const files = (c.isDir ? filesUnder(target) : [target]).map((f) => ({ rel: relative(work, f).split('\\').join('/'), text: readFileSync(f, 'utf8') }));
    // The texts of files without comments are read when asked for (code frames): read them before the copies go.
    return { result: { ...result, files: result.files.map((f) => ({ ...f })) }, files };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
