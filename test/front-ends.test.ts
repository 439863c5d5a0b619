import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/api.js';
import { discover } from '../src/discover/discover.js';
import { Pool } from '../src/engine/pool.js';
import { chunksOf, concatenated, confined, parseFrontEnds, runFrontEnd, sharingStrings, WORKER, type FrontEndInputs, type FrontEndTask } from '../src/front-ends.js';
import type { FrontEndResult } from '../src/parsers/types.js';
import { UNRESTRICTED } from '../src/util/scan-root.js';
import { workspace } from './helpers/workspace.js';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'fixtures');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');
if (!existsSync(CORPUS)) console.warn(`front-end chunking over the corpus skipped: ${CORPUS} is absent`);

/** The front ends' inputs for every file under `dir`, as lint() would build them without a config. */
function inputsFor(dir: string): FrontEndInputs {
  const files = discover([dir], dir).files;
  const byDir = new Map<string, string[]>();
  for (const f of files.filter((f) => f.kind === 'terraform')) byDir.set(dirname(f.abs), [...(byDir.get(dirname(f.abs)) ?? []), f.abs]);
  const of = (kind: string) => files.filter((f) => f.kind === kind).map((f) => f.abs);
  return {
    cwd: dir,
    scope: UNRESTRICTED,
    terraform: { dirs: [...byDir].map(([d, tf]) => ({ dir: d, files: tf, options: { vars: {}, varFiles: [], envVars: {} } })) },
    cloudformation: { candidates: of('cloudformation-candidate'), parameters: {} },
    cdk: { candidates: of('cdk-candidate') },
    bytes: () => 0,
  };
}

function tasksFor(inputs: FrontEndInputs): FrontEndTask[] {
  const common = { cwd: inputs.cwd, scope: inputs.scope.toSpec() };
  return [
    { ...common, kind: 'terraform', dirs: inputs.terraform!.dirs },
    { ...common, kind: 'cloudformation', ...inputs.cloudformation! },
    { ...common, kind: 'cdk', ...inputs.cdk! },
  ];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Plain objects, arrays and primitives only: what a structured clone copies without losing anything. */
function plainDataProblem(value: unknown, path = '$'): string | null {
  if (value === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof value)) return null;
  if (typeof value !== 'object') return `${path} is a ${typeof value}`;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype) return `${path} is a ${proto?.constructor?.name ?? 'null-prototype object'}`;
  for (const [k, v] of Object.entries(value)) {
    const problem = plainDataProblem(v, `${path}.${k}`);
    if (problem) return problem;
  }
  return null;
}

describe('front ends in worker threads', () => {
  it('return plain data, the same from a worker as from the main thread', { timeout: 120_000 }, async () => {
    const tasks = tasksFor(inputsFor(FIXTURES));
    const inline = await Promise.all(tasks.map((t) => runFrontEnd(t, UNRESTRICTED)));
    for (const result of inline) expect(plainDataProblem(result)).toBeNull();
    // Three workers take the three front ends; the main thread holds back a task of its own until they are done.
    let done: Promise<unknown> = Promise.resolve();
    let heldBack = false;
    const nothing: FrontEndTask = { kind: 'cdk', cwd: FIXTURES, scope: UNRESTRICTED.toSpec(), candidates: [] };
    const pool = new Pool<FrontEndTask, FrontEndResult>({
      lanes: 4,
      entry: WORKER,
      inline: async (task) => {
        if (task === nothing) heldBack = await Promise.race([done.then(() => true), sleep(90_000).then(() => false)]);
        return runFrontEnd(task, UNRESTRICTED);
      },
    });
    const handles = tasks.map((task) => pool.submit(task, 1));
    pool.submit(nothing, 0); // the main thread takes the cheapest
    done = Promise.all(handles.map((h) => h.outcome));
    await pool.run();
    expect(heldBack, 'the workers did the front ends').toBe(true);
    expect(await done).toStrictEqual(inline.map((value) => ({ ok: true, value })));
  });

  it('CloudFormation parsed in chunks equals the templates parsed together (fixtures, through the pool)', { timeout: 120_000 }, async () => {
    const { cloudformation, ...rest } = inputsFor(FIXTURES);
    const together = await parseFrontEnds({ ...rest, cloudformation, jobs: 1 });
    // Every file weighs 10 MB: each template is a chunk of its own; the nested stack in _e2e/mixed makes them start over as one.
    const chunked = await parseFrontEnds({ ...rest, cloudformation, jobs: 2, bytes: () => 10_000_000 });
    expect(chunked).toStrictEqual(together);
  });

  it.skipIf(!existsSync(CORPUS))('CloudFormation parsed in chunks equals the templates parsed together (../shared/corpus)', { timeout: 300_000 }, async () => {
    const task: FrontEndTask = { kind: 'cloudformation', cwd: CORPUS, scope: UNRESTRICTED.toSpec(), candidates: inputsFor(CORPUS).cloudformation!.candidates, parameters: {} };
    const together = await runFrontEnd(task, UNRESTRICTED);
    const chunks = chunksOf([...task.candidates].sort(), () => 1, 16); // about 16 files each
    const parts = await Promise.all(chunks.map((candidates) => runFrontEnd({ ...task, candidates }, UNRESTRICTED)));
    expect(parts.every((part, i) => confined(part, chunks[i]!, CORPUS))).toBe(true);
    expect(concatenated(parts)).toStrictEqual(together);
  });

  it('notices a chunk that followed a nested stack into another chunk', async () => {
    const dir = join(FIXTURES, '_e2e', 'mixed');
    const parent = join(dir, 'cloudformation', 'app.yaml');
    const child = join(dir, 'cloudformation', 'nested', 'db.yaml');
    expect(chunksOf([parent, child], () => 1, 1)).toEqual([[parent], [child]]);
    const task = (candidates: string[]): FrontEndTask => ({ kind: 'cloudformation', cwd: dir, scope: UNRESTRICTED.toSpec(), candidates, parameters: {} });
    expect(confined(await runFrontEnd(task([parent]), UNRESTRICTED), [parent], dir)).toBe(false);
    expect(confined(await runFrontEnd(task([child]), UNRESTRICTED), [child], dir)).toBe(true);
    expect(confined(await runFrontEnd(task([parent, child]), UNRESTRICTED), [parent, child], dir)).toBe(true);
  });

  it('lint() gives the same result with and without workers', { timeout: 120_000 }, async () => {
    const one = await lint([FIXTURES], { cwd: FIXTURES, jobs: 1, today: '2026-01-01' });
    const two = await lint([FIXTURES], { cwd: FIXTURES, jobs: 2, today: '2026-01-01' });
    const comparable = (r: typeof one) => ({ ...r, stats: { ...r.stats, durationMs: 0 } });
    expect(comparable(two)).toStrictEqual(comparable(one));
  });

  it('lint() checks the whole model when a rule that relates deployment units is on for a file only a call reaches', { timeout: 120_000 }, async () => {
    const group = (id: string, name: string) => `  ${id}:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupName: ${name}\n      GroupDescription: ${name}\n`;
    const dir = workspace({
      '.sg-lint.yml': 'overrides:\n  - files: ["parent/nested/**"]\n    rules:\n      group-unattached: note\n',
      'parent/stack.yaml': 'Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./nested/child.yaml\n',
      'parent/nested/child.yaml': `Resources:\n${group('Lonely', 'lonely')}${group('Shared', 'shared')}`,
      // Another deployment unit, read by another front end (another thread's task), names one of them.
      'other/main.tf': 'resource "aws_instance" "host" {\n  ami             = "ami-12345678"\n  security_groups = ["shared"]\n}\n',
    });
    const runs = await Promise.all([1, 2].map((jobs) => lint(['.'], { cwd: dir, jobs, exclude: ['parent/nested/**'], today: '2026-01-01' })));
    const unattached = runs.map((r) => r.findings.filter((f) => f.ruleId === 'group-unattached').map((f) => f.resource));
    expect(unattached[0]).toEqual(['Lonely']);
    expect(unattached[1]).toEqual(unattached[0]);
  });

  it('leave out the texts, comments and constructs no suppression needs; lint() reads texts again from the source (or the overlay) when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-texts-'));
    try {
      const group = (name: string) => `resource "aws_security_group" "${name}" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n`;
      writeFileSync(join(dir, 'plain.tf'), '\ufeff' + group('plain'));
      writeFileSync(join(dir, 'commented.tf'), `# owned by the platform team\n${group('commented')}`);
      writeFileSync(join(dir, 'suppressed.tf'), `# sg-lint-ignore ingress-world-admin-port -- bastion\n${group('suppressed')}`);
      writeFileSync(join(dir, 'skipped.tf'), `${group('skipped')}# tfsec:ignore:aws-ec2-no-public-ingress-sgr\n`);
      const task: FrontEndTask = { kind: 'terraform', cwd: dir, scope: UNRESTRICTED.toSpec(), dirs: inputsFor(dir).terraform!.dirs };
      const parsed = await runFrontEnd(task, UNRESTRICTED);
      const byPath = new Map(parsed.files.map((f, i) => [f.path, { f, i }]));
      for (const path of ['plain.tf', 'commented.tf']) {
        const { f } = byPath.get(path)!;
        expect([f.text, f.comments, f.constructs, f.resources], path).toEqual(['', [], [], undefined]);
      }
      expect(parsed.textsLeftOut).toEqual(['commented.tf', 'plain.tf'].map((p) => byPath.get(p)!.i).sort());
      expect(byPath.get('suppressed.tf')!.f.text).toMatch(/^# sg-lint-ignore /);
      expect(byPath.get('skipped.tf')!.f.comments).toHaveLength(1);
      expect(byPath.get('skipped.tf')!.f.constructs.length).toBeGreaterThan(0);

      const textOf = (r: Awaited<ReturnType<typeof lint>>, path: string) => r.files.find((f) => f.path === path)!.text;
      const fromDisk = await lint([dir], { cwd: dir, jobs: 1 });
      expect(textOf(fromDisk, 'plain.tf')).toBe(group('plain'));
      expect(fromDisk.findings.some((f) => f.at.file === 'plain.tf')).toBe(true);
      expect(fromDisk.findings.find((f) => f.at.file === 'suppressed.tf' && f.ruleId === 'ingress-world-admin-port')?.suppressed?.kind).toBe('inline');
      const edited = `\n${group('plain')}\n`;
      const fromEditor = await lint([dir], { cwd: dir, jobs: 1, overlay: { 'plain.tf': edited } });
      expect(textOf(fromEditor, 'plain.tf')).toBe(edited);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('share the strings of every part of a copied answer, through shared objects and cycles, and leave long texts alone', () => {
    const span = { file: 'stack.yaml', path: 'Resources.Web' };
    const answer = { values: [{ k: 'known', v: 'sg-1', at: span }, { k: 'known', v: 'sg-2', at: span }], text: 'x'.repeat(300) };
    const looped: Record<string, unknown> = { name: 'loop' };
    looped.self = looped;
    const strings = new Map<string, string>();
    // Past two objects the walk remembers where it has been, so the cycle ends it.
    const shared = sharingStrings({ ...answer, looped }, strings, 2);
    expect([...strings.keys()].sort()).toEqual(['Resources.Web', 'known', 'loop', 'sg-1', 'sg-2', 'stack.yaml']);
    expect(shared.values.map((v) => v.v)).toEqual(['sg-1', 'sg-2']);
    expect(shared.text).toHaveLength(300);
  });

  it('refuses a number of jobs that is not a whole number from 1', async () => {
    for (const jobs of [0, -1, 1.5, Number.NaN]) await expect(lint([FIXTURES], { cwd: FIXTURES, jobs })).rejects.toThrow(/jobs must be a whole number/);
  });
});
