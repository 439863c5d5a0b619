import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CliArgs, CliIo } from '../cli.js';
import { CONFIG_NAMES } from '../config/load.js';
import { neutraliseWorkflowCommands, printable } from '../reporters/text.js';
import { gitTopLevel } from '../util/git.js';
import { posixRelative } from '../util/paths.js';
import { detectProject } from './detect.js';
import { configYaml, describeFacts, PRE_COMMIT_ENTRY, preCommitConfig, workflowYaml } from './templates.js';

class InitError extends Error {}

interface Planned {
  abs: string;
  text: string;
}

/**
 * `sg-lint --init [dir] [--force]`: writes `.sg-lint.yml` in dir, and at the top of its git repository (dir itself
 * outside git) `.github/workflows/sg-lint.yml` and `.pre-commit-config.yaml`. An existing config or workflow is
 * overwritten only with --force; an existing `.pre-commit-config.yaml` never is (it lists other hooks): the entry to add
 * is printed instead. Exit 0 when everything asked for is in place, 2 when a file was left alone or on a usage error.
 */
export async function initCommand(args: CliArgs, io: CliIo, cwd: string): Promise<number> {
  const out = (s: string) => io.stdout.write(neutraliseWorkflowCommands(s));
  const err = (s: string) => io.stderr.write(neutraliseWorkflowCommands(s));
  try {
    const { dir, force } = initArgs(args, cwd);
    const facts = detectProject(dir);
    const root = gitTopLevel(dir) ?? dir;
    const base = realpathSync(cwd);
    const shown = (abs: string) => printable(posixRelative(base, abs) || '.');
    out(`Found in ${shown(dir)}: ${describeFacts(facts)}.\n`);

    const existingConfig = CONFIG_NAMES.map((n) => join(dir, n)).find((p) => exists(p));
    const configFile = existingConfig ?? join(dir, '.sg-lint.yml');
    const yaml = configYaml(facts);
    const planned: Planned[] = [
      { abs: configFile, text: configFile.endsWith('.json') ? await asJson(yaml) : yaml },
      { abs: join(root, '.github', 'workflows', 'sg-lint.yml'), text: workflowYaml({ paths: posixRelative(root, dir) || '.', branch: defaultBranch(root) }) },
    ];
    const skipped: string[] = [];
    for (const p of planned) {
      if (exists(p.abs) && !force) {
        skipped.push(shown(p.abs));
        continue;
      }
      writeInside(root, p.abs, p.text);
      out(`wrote ${shown(p.abs)}\n`);
    }

    const preCommit = join(root, '.pre-commit-config.yaml');
    if (!exists(preCommit)) {
      writeInside(root, preCommit, preCommitConfig());
      out(`wrote ${shown(preCommit)}\n`);
    } else if (await listsSgLint(preCommit)) {
      out(`${shown(preCommit)} already runs sg-lint\n`);
    } else {
      out(`${shown(preCommit)} exists and is not changed; add this entry under its \`repos:\`:\n\n${PRE_COMMIT_ENTRY}\n`);
    }

    if (skipped.length > 0) {
      err(`sg-lint: not overwritten: ${skipped.join(', ')} (${skipped.length === 1 ? 'it exists' : 'they exist'}; --force overwrites ${skipped.length === 1 ? 'it' : 'them'})\n`);
      return 2;
    }
    return 0;
  } catch (e) {
    // An InitError says what was wrong; anything else is a file system error, whose message names the path.
    err(`sg-lint: ${e instanceof InitError ? '' : '--init: '}${printable((e as Error).message)}\n`);
    return 2;
  }
}

function initArgs(args: CliArgs, cwd: string): { dir: string; force: boolean } {
  const v = args.values as Record<string, unknown>;
  if (!v.init) throw new InitError('--force goes with --init');
  const other = Object.keys(v).find((k) => k !== 'init' && k !== 'force' && v[k] !== undefined);
  if (other) throw new InitError(`--init takes a directory and --force, not --${other}`);
  if (args.positionals.length > 1) throw new InitError(`--init takes one directory, got ${args.positionals.length}`);
  const given = args.positionals[0] ?? '.';
  const dir = resolve(cwd, given);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new InitError(`--init: ${printable(given)} is not a directory`);
  return { dir: realpathSync(dir), force: Boolean(v.force) };
}

const exists = (abs: string) => lstatSync(abs, { throwIfNoEntry: false }) !== undefined;

/**
 * Writes a file below `root`, creating its directories, whole or not at all. The repository is untrusted: a symbolic
 * link on the way (a `.github` that points elsewhere) or in the file's place, or anything but a regular file there, is
 * refused rather than written through.
 */
function writeInside(root: string, abs: string, text: string): void {
  const rel = posixRelative(root, abs);
  let dir = root;
  for (const part of rel.split('/').slice(0, -1)) {
    dir = join(dir, part);
    const stat = lstatSync(dir, { throwIfNoEntry: false });
    if (!stat) mkdirSync(dir);
    else if (!stat.isDirectory()) throw new InitError(`--init: ${printable(rel)}: ${printable(posixRelative(root, dir))} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}; nothing written there`);
  }
  const existing = lstatSync(abs, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) throw new InitError(`--init: ${printable(rel)} is ${existing.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; not overwritten`);
  const tmp = join(dirname(abs), `.${basename(abs)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, abs);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new InitError(`--init: cannot write ${printable(rel)}: ${(e as Error).message}`);
  }
}

/** The branch pushes to which the workflow lints: the remote's default branch when git knows it, otherwise main. */
function defaultBranch(root: string): string {
  try {
    const ref = execFileSync('git', ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const branch = ref.replace(/^origin\//, '');
    return /^[\w./-]+$/.test(branch) ? branch : 'main';
  } catch {
    return 'main';
  }
}

/** Whether a pre-commit config already lists one of sg-lint's hooks. */
async function listsSgLint(file: string): Promise<boolean> {
  const { parse } = await import('yaml');
  try {
    const data = parse(readFileSync(file, 'utf8')) as { repos?: { hooks?: { id?: unknown }[] }[] } | null;
    return (data?.repos ?? []).some((r) => (r?.hooks ?? []).some((h) => h?.id === 'sg-lint' || h?.id === 'sg-lint-all'));
  } catch {
    return false;
  }
}

async function asJson(yaml: string): Promise<string> {
  const { parse } = await import('yaml');
  return JSON.stringify(parse(yaml), null, 2) + '\n';
}
