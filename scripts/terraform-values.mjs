// node scripts/terraform-values.mjs [dir]: how many of the values Terraform rules carry (protocol, ports, peer,
// description) sg-lint could resolve over a tree (default ../shared/corpus), with the reasons for the rest. `npm run
// bench` prints the same figures; the script alone is quick enough to compare two builds.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peerValue } from '../dist/src/model/types.js';
import { alternatives } from '../dist/src/model/value.js';
import * as terraform from '../dist/src/parsers/terraform/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function moduleDirs(d, out = new Map()) {
  for (const n of readdirSync(d)) {
    if (n === 'node_modules' || n.startsWith('.')) continue;
    const p = join(d, n);
    if (statSync(p).isDirectory()) moduleDirs(p, out);
    else if (/\.tf(\.json)?$/.test(n)) out.set(d, [...(out.get(d) ?? []), p]);
  }
  return out;
}

/** Share of rule values that stay unresolved over the Terraform module directories under `dir`. */
export async function terraformValueShare(dir) {
  const dirs = [...moduleDirs(dir)].map(([d, files]) => ({ dir: d, files, options: { vars: {}, varFiles: [] } }));
  const results = terraform.parseTerraform
    ? [await terraform.parseTerraform(dirs, dir)]
    : await Promise.all(dirs.map((d) => terraform.parseTerraformModule(d.dir, d.files, { cwd: dir, vars: {}, varFiles: [] })));
  let total = 0;
  let unresolved = 0;
  const byReason = {};
  let rules = 0;
  for (const result of results) {
    for (const rule of result.facts.rules) {
      rules++;
      for (const value of [rule.protocol, rule.fromPort, rule.toPort, peerValue(rule.peer), rule.description]) {
        if (!value) continue;
        total++;
        const open = alternatives(value).find((a) => a.value.k === 'unresolved')?.value;
        if (!open) continue;
        unresolved++;
        byReason[open.why] = (byReason[open.why] ?? 0) + 1;
      }
    }
  }
  const sorted = Object.fromEntries(Object.entries(byReason).sort(([, a], [, b]) => b - a));
  return { rules, values: total, unresolved, unresolvedPct: Math.round((unresolved / Math.max(total, 1)) * 1000) / 10, byReason: sorted };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? join(root, '..', 'shared', 'corpus'));
  console.log(JSON.stringify(await terraformValueShare(dirname(join(dir, 'x')))));
}
