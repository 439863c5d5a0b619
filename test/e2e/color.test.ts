import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from '../helpers/built.js';
import { group, ingress } from '../helpers/terraform-snippets.js';
import { plainEnv, workspace } from '../helpers/workspace.js';

const BIN = join(ROOT, 'dist', 'src', 'bin.js');
const ANSI = /\u001b\[\d+m/;

/** The environment of the test run without any colour setting, plus `extra`. */
function envWith(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...rest } = plainEnv();
  return { ...rest, ...extra };
}

/** The built CLI, spawned: its standard output is a pipe, not a terminal. */
function lint(dir: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, '.', ...args], { cwd: dir, env: envWith(env), encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// util-linux `script` runs a command on a pseudo-terminal: the only way to see what auto does on a terminal.
const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null'], { encoding: 'utf8' }).status === 0;
const SCRIPT_NOTE = hasScript ? '' : ' [skipped: util-linux script is not installed]';

describe('--color and --no-color (the built CLI, spawned)', () => {
  beforeAll(() => {
    assertBuilt();
  });
  // A new one for each test: workspaces are removed after each.
  const project = () => workspace({ 'main.tf': group('web', ingress(22, '0.0.0.0/0')) });

  it.each([
    ['no flag, output not a terminal', [], {}, false],
    ['--color', ['--color'], {}, true],
    ['--no-color', ['--no-color'], {}, false],
    ['--color then --no-color: the last one wins', ['--color', '--no-color'], {}, false],
    ['--no-color then --color: the last one wins', ['--no-color', '--color'], {}, true],
    ['NO_COLOR=1', [], { NO_COLOR: '1' }, false],
    ['NO_COLOR=1 with --color: the flag wins', ['--color'], { NO_COLOR: '1' }, true],
    ['FORCE_COLOR=1', [], { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=1 over NO_COLOR=1', [], { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['FORCE_COLOR=1 with --no-color: the flag wins', ['--no-color'], { FORCE_COLOR: '1' }, false],
    ['FORCE_COLOR=0, read as off', [], { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR set but empty: ignored', [], { FORCE_COLOR: '' }, false],
  ] as const)('%s', (_what, args, env, colored) => {
    const run = lint(project(), [...args], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('ingress-world-admin-port');
    expect(ANSI.test(run.stdout)).toBe(colored);
    expect(ANSI.test(run.stderr)).toBe(false);
  });

  it('colours a text report written to a file only when --color asks for it, and never other formats', () => {
    const d = project();
    lint(d, ['-f', 'text=plain.txt', '-f', 'json=report.json'], { FORCE_COLOR: '1' });
    expect(ANSI.test(readFileSync(join(d, 'plain.txt'), 'utf8'))).toBe(false);
    lint(d, ['--color', '-f', 'text=colored.txt', '-f', 'json=report.json']);
    expect(ANSI.test(readFileSync(join(d, 'colored.txt'), 'utf8'))).toBe(true);
    const json = lint(d, ['--color', '-f', 'json']);
    expect(JSON.parse(json.stdout).findings).toHaveLength(1);
    expect(ANSI.test(json.stdout)).toBe(false);
  });

  it('refuses a value for the flags (exit 2)', () => {
    const run = lint(project(), ['--color=always']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--color.*does not take an argument/);
    expect(run.stdout).toBe('');
  });

  it.skipIf(!hasScript)(`colours by default on a terminal, and not with NO_COLOR or --no-color${SCRIPT_NOTE}`, () => {
    const dir = project();
    const onTerminal = (args: string, env: Record<string, string> = {}) => {
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} . ${args}`;
      const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, env: envWith({ ...env, TERM: 'xterm' }), encoding: 'utf8' });
      expect(r.stdout).toContain('ingress-world-admin-port');
      return ANSI.test(r.stdout);
    };
    expect(onTerminal('')).toBe(true);
    expect(onTerminal('', { NO_COLOR: '1' })).toBe(false);
    expect(onTerminal('', { NO_COLOR: '' })).toBe(true); // set but empty: ignored
    expect(onTerminal('--no-color')).toBe(false);
  });
});
