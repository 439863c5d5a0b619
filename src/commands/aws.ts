import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { main, OPTIONS } from '../cli.js';
import { neutraliseWorkflowCommands, printable } from '../reporters/text.js';
import { READ_OPTIONS } from '../read-options.js';
import type { Io } from './inputs.js';
import type { FetchOptions, RegionExport } from './aws/fetch.js';

const HELP = `Usage: sg-lint aws [--profile <p>] [--region <r>]... [--all-regions] [--include <sg-id>]... [--list] [--save <file>] [options]

Reads the security groups of an AWS account read-only (DescribeSecurityGroups, DescribeNetworkInterfaces,
DescribeManagedPrefixLists; ec2:Describe* is all it needs, and ec2:GetManagedPrefixListEntries, when allowed, expands
the prefix lists the rules name) with the SDK's credential chain, and lints them with every rule, as an export file.

      --profile <name>          the AWS profile to use (default: AWS_PROFILE, or the SDK's default chain)
      --region <name>           a region to read (repeatable; default: AWS_REGION or the profile's region)
      --all-regions             every region enabled for the account
      --include <sg-id>         only this group (repeatable); group ids here, not globs
      --list                    print each group's public addresses (world and public CIDRs) and lint nothing
      --save <file>             write what was read in the export format (one file per region: <file> with the
                                region before its extension when there are several, or {region} in the name);
                                findings then point into it, and a later run can lint it offline
      --endpoint-url <url>      the EC2 endpoint (also AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL), e.g. a local fake
Lint options that name no input files work as for linting: -f, -o, -q, --preset, --rule, -c, --fail-on,
--max-warnings, --baseline, --write-baseline, --online and the other online-pass options.

Exit codes as for linting: 0 no finding at or above --fail-on; 1 such findings; 2 usage error, credentials missing,
expired or refused, or the account could not be read.`;

/** Linting's options, less those that name or select input files (the account is the input). */
const LINT_ONLY = Object.fromEntries(Object.entries(OPTIONS).filter(([k]) => !(k in READ_OPTIONS) || k === 'config'));

const AWS_OPTIONS = {
  ...LINT_ONLY,
  profile: { type: 'string' },
  region: { type: 'string', multiple: true },
  'all-regions': { type: 'boolean' },
  include: { type: 'string', multiple: true },
  list: { type: 'boolean' },
  save: { type: 'string' },
  'endpoint-url': { type: 'string' },
} as const;

const OWN = new Set(['profile', 'region', 'all-regions', 'include', 'list', 'save', 'endpoint-url', 'help']);
/** Lint options whose value is a path, resolved against the current directory before linting elsewhere. */
const PATH_OPTIONS = new Set(['output', 'config', 'baseline', 'write-baseline', 'cache-dir']);

export interface AwsRuntime {
  /** Tests: a fixed delay between the SDK's retries. */
  retryDelayMs?: number;
}

export async function awsCommand(argv: string[], io: Io & { stderr: { isTTY?: boolean } }, cwd: string, env: Record<string, string | undefined>, runtime: AwsRuntime = {}): Promise<number> {
  const err = (s: string) => io.stderr.write(neutraliseWorkflowCommands(s));
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: false, strict: true, options: AWS_OPTIONS });
  } catch (e) {
    err(`sg-lint aws: ${printable((e as Error).message)}\nRun sg-lint aws --help for usage.\n`);
    return 2;
  }
  const v = args.values as Record<string, unknown>;
  if (v.help) return io.stdout.write(HELP + '\n'), 0;
  const groupIds = (v.include as string[] | undefined) ?? [];
  const bad = groupIds.find((id) => !/^sg-[0-9a-f]{8,17}$/.test(id));
  if (bad !== undefined) {
    err(`sg-lint aws: --include takes security group ids (sg-…), got "${printable(bad)}"\nRun sg-lint aws --help for usage.\n`);
    return 2;
  }
  const progress = io.stderr.isTTY ? (m: string) => err(`\r\u001b[Ksg-lint aws: ${m}`) : undefined;
  let regions: RegionExport[];
  try {
    const { fetchAccount } = await import('./aws/fetch.js');
    const options: FetchOptions = {
      regions: (v.region as string[] | undefined) ?? [],
      allRegions: Boolean(v['all-regions']),
      groupIds,
      ...(v.profile ? { profile: v.profile as string } : {}),
      ...(v['endpoint-url'] ? { endpoint: v['endpoint-url'] as string } : {}),
      ...(progress ? { progress } : {}),
      ...(runtime.retryDelayMs !== undefined ? { retryDelayMs: runtime.retryDelayMs } : {}),
    };
    regions = await fetchAccount(options);
  } catch (e) {
    if (progress) err('\r\u001b[K');
    const { AwsAccessError } = await import('./aws/fetch.js');
    if (e instanceof AwsAccessError) err(`sg-lint aws: ${printable(e.message)}\n`);
    else err(`sg-lint aws: cannot read the account: ${printable(describeFailure(e))}\n`);
    return 2;
  }
  if (progress) err('\r\u001b[K');
  for (const r of regions) for (const note of r.notes) err(`sg-lint aws: note: ${printable(note)}\n`);
  for (const r of regions) if (r.data.SecurityGroups.length === 0) err(`sg-lint aws: note: ${r.region}: no security groups${groupIds.length > 0 ? ' with the given ids' : ''}\n`);
  if (v.list) {
    const { publicAddresses } = await import('./aws/list.js');
    io.stdout.write(publicAddresses(regions));
    return 0;
  }
  const texts = regions.map((r) => ({ region: r.region, text: JSON.stringify(r.data, null, 4) + '\n' }));
  if (v.save !== undefined) {
    const files = savedPaths(v.save as string, texts.map((t) => t.region));
    try {
      texts.forEach((t, i) => {
        mkdirSync(dirname(resolve(cwd, files[i]!)), { recursive: true });
        writeFileSync(resolve(cwd, files[i]!), t.text);
      });
    } catch (e) {
      err(`sg-lint aws: cannot write ${printable(v.save as string)}: ${printable((e as Error).message)}\n`);
      return 2;
    }
    return main([...files, ...lintArgv(v, cwd)], io as Parameters<typeof main>[1], cwd, env);
  }
  // Nothing saved: the findings point into the text as it would be saved, named <account>/<region>.json.
  const dir = mkdtempSync(join(tmpdir(), 'sg-lint-aws-'));
  try {
    const files = texts.map((t, i) => {
      const account = regions[i]!.data.SecurityGroups.find((g) => g.OwnerId)?.OwnerId ?? 'account';
      const file = `${account}/${t.region}.json`;
      mkdirSync(join(dir, account), { recursive: true });
      writeFileSync(join(dir, file), t.text);
      return file;
    });
    return await main([...files, ...lintArgv(v, cwd)], io as Parameters<typeof main>[1], dir, env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lint options given, as arguments again, with the paths they name resolved against the current directory. */
function lintArgv(values: Record<string, unknown>, cwd: string): string[] {
  const out: string[] = [];
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  for (const [key, value] of Object.entries(values)) {
    if (OWN.has(key) || value === undefined || value === false) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === true) out.push(`--${key}`);
      else if (key === 'format' && String(item).includes('=')) {
        const [name, file] = [String(item).slice(0, String(item).indexOf('=')), String(item).slice(String(item).indexOf('=') + 1)];
        out.push(`--format=${name}=${file ? abs(file) : ''}`);
      } else out.push(`--${key}=${PATH_OPTIONS.has(key) ? abs(String(item)) : String(item)}`);
    }
  }
  return out;
}

/** Where --save writes each region: the file itself for one region; `{region}` replaced, or the region before the extension. */
export function savedPaths(file: string, regions: string[]): string[] {
  if (file.includes('{region}')) return regions.map((r) => file.split('{region}').join(r));
  if (regions.length === 1) return [file];
  const ext = extname(file);
  const stem = ext ? file.slice(0, -ext.length) : file;
  return regions.map((r) => `${stem}.${r}${ext || '.json'}`);
}

function describeFailure(e: unknown): string {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
  const message = (err.message ?? String(e)).split('\n')[0]!;
  const hint = err.name === 'UnauthorizedOperation' ? ' (the IAM policy in the README "Live audit" section lists what sg-lint needs)' : '';
  return `${name}${message}${hint}`;
}

