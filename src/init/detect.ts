import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { discover } from '../discover/discover.js';
import { mentionsCdk } from '../parsers/cdk/app.js';
import { mayBeTemplate } from '../parsers/cloudformation/prefilter.js';
import { MAX_FILE_BYTES } from '../parsers/read.js';
import { readTextFile } from '../util/files.js';
import { posixRelative } from '../util/paths.js';
import { ScanRoot } from '../util/scan-root.js';

/** What `sg-lint --init` found in a directory: the formats sg-lint would read there, and generated folders. */
export interface ProjectFacts {
  terraform: { files: number; dirs: number; /** `.tfvars` files Terraform does not load by itself, relative to the directory. */ varFiles: string[] };
  cloudformation: { templates: number };
  /** `apps`: the directories of the `cdk.json` files, relative to the directory (`.` for itself). */
  cdk: { sources: number; apps: string[] };
  /** The generated folders present: `.terraform` (terraform init), `cdk.out` (cdk synth). */
  generated: string[];
}

const GENERATED = ['.terraform', 'cdk.out'];
const AUTO_LOADED = /^(terraform\.tfvars(\.json)?|.*\.auto\.tfvars(\.json)?)$/;

/**
 * Looks through `dir` as a lint of it would (discover's walk: node_modules, .terraform, .git and cdk.out skipped,
 * symbolic links out of the directory not followed) and tells the formats apart by content, as the front ends do:
 * a CloudFormation template names its format version or `AWS::` resource types, a CDK source names aws-cdk-lib.
 */
export function detectProject(dir: string): ProjectFacts {
  const { files } = discover(['.'], dir, ScanRoot.of(['.'], dir, [], false));
  const facts: ProjectFacts = { terraform: { files: 0, dirs: 0, varFiles: [] }, cloudformation: { templates: 0 }, cdk: { sources: 0, apps: [] }, generated: [] };
  const terraformDirs = new Set<string>();
  for (const f of files) {
    const rel = posixRelative(dir, f.abs);
    if (f.kind === 'terraform') {
      facts.terraform.files++;
      terraformDirs.add(dirname(f.abs));
    } else if (f.kind === 'terraform-vars') {
      if (!AUTO_LOADED.test(basename(f.abs))) facts.terraform.varFiles.push(rel);
    } else if (basename(f.abs) === 'cdk.json') {
      facts.cdk.apps.push(posixRelative(dir, dirname(f.abs)) || '.');
    } else if (f.bytes <= MAX_FILE_BYTES) {
      const text = readText(f.abs);
      if (text === undefined) continue;
      if (f.kind === 'cloudformation-candidate' && mayBeTemplate(text)) facts.cloudformation.templates++;
      if (f.kind === 'cdk-candidate' && mentionsCdk(text)) facts.cdk.sources++;
    }
  }
  facts.terraform.dirs = terraformDirs.size;
  const generated = new Set<string>();
  findGenerated(dir, generated);
  facts.generated = GENERATED.filter((name) => generated.has(name));
  return facts;
}

function readText(abs: string): string | undefined {
  try {
    return readTextFile(abs);
  } catch {
    return undefined;
  }
}

/** Adds the names of the generated folders below `dir` to `found` (symbolic links not followed, node_modules and .git not entered). */
function findGenerated(dir: string, found: Set<string>, depth = 0): void {
  if (depth > 64 || found.size === GENERATED.length) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.isDirectory() || e.name === 'node_modules' || e.name === '.git') continue;
    if (GENERATED.includes(e.name)) found.add(e.name);
    else findGenerated(join(dir, e.name), found, depth + 1);
  }
}
