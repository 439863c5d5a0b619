import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { runCli, workspace } from '../helpers/workspace.js';

const legacy = group('web', `${ingress(22, '0.0.0.0/0')}\n${ingress(8080, '0.0.0.0/0')}`) + group('db', ingress(5432, '0.0.0.0/0'));
const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const active = (report: { findings: { suppressed?: unknown; ruleId: string }[] }) => report.findings.filter((f) => !f.suppressed).map((f) => f.ruleId);

describe('baseline', () => {
  it('records findings by file, rule, resource and fingerprint with counts, never line numbers, and they count as baselined', async () => {
    const dir = workspace({ 'infra/main.tf': legacy });
    const run = await runCli(dir, ['infra', '--write-baseline', 'sg-lint-baseline.json', '-f', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('sg-lint: recorded 3 findings in sg-lint-baseline.json');
    expect(run.json().findings.map((f) => f.suppressed)).toEqual(Array(3).fill({ kind: 'baseline', reason: 'recorded in sg-lint-baseline.json' }));
    const baseline = read(dir, 'sg-lint-baseline.json');
    expect(baseline.sgLintBaseline).toBe(2);
    expect(Object.keys(baseline.files)).toEqual(['infra/main.tf']);
    expect(Object.keys(baseline.files['infra/main.tf']).sort()).toEqual(['ingress-world-admin-port', 'ingress-world-open-port', 'ingress-world-sensitive-port']);
    expect(baseline.files['infra/main.tf']['ingress-world-admin-port']).toEqual([{ resource: 'aws_security_group.web', fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/), count: 1 }]);
    expect(JSON.stringify(baseline)).not.toMatch(/"line"/);
  });

  it('suppresses recorded findings (kind baseline) and fails only on new ones', async () => {
    const dir = workspace({ 'main.tf': legacy });
    await runCli(dir, ['.', '--write-baseline', '.sg-lint-baseline.json']);
    const again = await runCli(dir, ['.', '--baseline', '.sg-lint-baseline.json', '-f', 'json']);
    expect(again.code).toBe(0);
    expect(active(again.json())).toEqual([]);
    expect(again.json().findings.every((f) => f.suppressed?.kind === 'baseline' && f.suppressed.reason === 'recorded in .sg-lint-baseline.json')).toBe(true);

    writeFileSync(join(dir, 'main.tf'), legacy + group('cache', ingress(6379, '0.0.0.0/0')));
    const later = await runCli(dir, ['.', '--baseline', '.sg-lint-baseline.json', '-f', 'json']);
    expect(later.code).toBe(1);
    expect(active(later.json())).toEqual(['ingress-world-sensitive-port']);
    expect(later.json().findings.find((f) => !f.suppressed)!.resource).toBe('aws_security_group.cache');
  });

  it('survives moved lines, reformatting and unrelated edits, and a second identical finding is new', async () => {
    const dir = workspace({ 'main.tf': legacy });
    await runCli(dir, ['.', '--write-baseline', 'b.json']);
    // Groups in another order, blank lines and comments added, attributes re-aligned, an unrelated group added.
    const moved =
      '# network\n\n' +
      group('db', ingress(5432, '0.0.0.0/0')).replace(/ {2}description = /g, '  description     =   ') +
      '\n\n' +
      group('web', `${ingress(8080, '0.0.0.0/0')}\n\n${ingress(22, '0.0.0.0/0')}`) +
      group('internal', ingress(443, '10.0.0.0/16'));
    writeFileSync(join(dir, 'main.tf'), moved);
    const run = await runCli(dir, ['.', '--baseline', 'b.json', '-f', 'json']);
    expect(active(run.json())).toEqual([]);
    expect(run.code).toBe(0);

    // The same problem a second time in the same resource exceeds the recorded count of 1.
    writeFileSync(join(dir, 'main.tf'), moved.replace(ingress(22, '0.0.0.0/0'), `${ingress(22, '0.0.0.0/0')}\n${ingress(22, '0.0.0.0/0', 'again')}`));
    const twice = await runCli(dir, ['.', '--baseline', 'b.json', '-f', 'json']);
    expect(active(twice.json())).toEqual(['ingress-world-admin-port', 'rule-duplicate']);
  });

  it('prunes entries that no longer match, never adds any, and keeps entries of files not analyzed in this run', async () => {
    const dir = workspace({ 'a/main.tf': legacy, 'b/main.tf': group('app', ingress(3389, '0.0.0.0/0')) });
    await runCli(dir, ['.', '--write-baseline', 'b.json']);
    const before = read(dir, 'b.json');
    // Fix one finding in a/, add a new one.
    writeFileSync(join(dir, 'a/main.tf'), group('web', `${ingress(22, '0.0.0.0/0')}\n${ingress(8080, '0.0.0.0/0')}`) + group('db', ingress(5432, '10.0.0.0/16')) + group('new', ingress(23, '0.0.0.0/0')));
    const hint = await runCli(dir, ['a', '--baseline', 'b.json']);
    expect(hint.stderr).toContain('1 finding recorded in b.json no longer occur; remove them with --prune-baseline');
    const pruned = await runCli(dir, ['a', '--baseline', 'b.json', '--prune-baseline', '-f', 'json']);
    expect(pruned.stderr).toContain('pruned 1 finding from b.json');
    expect(pruned.code).toBe(1); // the new finding is not added
    expect(active(pruned.json())).toEqual(['ingress-world-admin-port']);
    const after = read(dir, 'b.json');
    expect(Object.keys(after.files['a/main.tf']).sort()).toEqual(['ingress-world-admin-port', 'ingress-world-open-port']);
    expect(after.files['a/main.tf']['ingress-world-admin-port']).toEqual(before.files['a/main.tf']['ingress-world-admin-port']);
    expect(after.files['b/main.tf']).toEqual(before.files['b/main.tf']);
    // A file that no longer exists loses its entries.
    rmSync(join(dir, 'b/main.tf'));
    await runCli(dir, ['a', '--baseline', 'b.json', '--prune-baseline']);
    expect(read(dir, 'b.json').files['b/main.tf']).toBeUndefined();
  });

  it('rejects a missing, corrupt or foreign baseline and bad flag combinations with exit 2, writing nothing', async () => {
    const dir = workspace({ 'main.tf': legacy, 'corrupt.json': '{"sgLintBaseline": 1, "files": {', 'eslint.json': '{"main.tf": {"no-console": {"count": 1}}}', 'newer.json': '{"sgLintBaseline": 9, "files": {}}', 'older.json': '{"sgLintBaseline": 1, "files": {}}', 'bad-entry.json': '{"sgLintBaseline": 2, "files": {"main.tf": {"r": [{"resource": "x", "fingerprint": "zz", "count": 1}]}}}' });
    const cases: [string[], RegExp][] = [
      [['--baseline', 'missing.json'], /cannot read baseline missing\.json: no such file/],
      [['--baseline', 'corrupt.json'], /baseline corrupt\.json is not valid JSON/],
      [['--baseline', 'eslint.json'], /eslint\.json is not an sg-lint baseline/],
      [['--baseline', 'newer.json'], /has version 9; this sg-lint reads version 2/],
      [['--baseline', 'older.json'], /written by an earlier sg-lint, whose fingerprints did not tell roots apart; re-create it with --write-baseline/],
      [['--baseline', 'bad-entry.json'], /needs "fingerprint"/],
      [['--prune-baseline'], /--prune-baseline needs --baseline/],
      [['--baseline', 'corrupt.json', '--prune-baseline', '--write-baseline', 'x.json'], /do not go together/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(dir, ['.', '-f', 'json=out.json', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(existsSync(join(dir, 'out.json'))).toBe(false);
    }
    expect(readFileSync(join(dir, 'corrupt.json'), 'utf8')).toBe('{"sgLintBaseline": 1, "files": {');
  });

  it('an unwritable baseline or report is exit 2 and leaves no partial file', async () => {
    const dir = workspace({ 'main.tf': legacy, 'taken/keep': '' });
    const run = await runCli(dir, ['.', '--write-baseline', 'taken', '-f', 'json=out.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot write baseline taken/);
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).findings).toHaveLength(3);
    const report = await runCli(dir, ['.', '-f', 'sarif=no/such/dir/out.sarif']);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/cannot write report no\/such\/dir\/out\.sarif/);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
