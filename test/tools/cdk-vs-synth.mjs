// Compares sg-lint's world-ingress findings on each CDK example app's sources with its findings on the app's
// synthesized templates (cdk.out), by construct id and port. Run after `npm run build`:
//   node test/tools/cdk-vs-synth.mjs [../shared/corpus/aws-samples__aws-cdk-examples/typescript]
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lint } from '../../dist/src/api.js';

const root = resolve(process.argv[2] ?? new URL('../../../shared/corpus/aws-samples__aws-cdk-examples/typescript', import.meta.url).pathname);
const WORLD = new Set(['ingress-world-all-traffic', 'ingress-world-admin-port', 'ingress-world-sensitive-port', 'ingress-world-icmp', 'ingress-world-open-port']);

function apps(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (!statSync(p).isDirectory() || n === 'cdk.out' || n === 'node_modules') return [];
    return existsSync(join(p, 'cdk.out')) ? [p] : apps(p);
  });
}

/**
 * The construct that owns a group: "lib/x.ts#Vpc/SSHSecurityGroup" → "SSHSecurityGroup"; a synthesized logical id
 * ("VPCSSHSecurityGroup0495A24F", the path joined with a hash) keeps its path, so matching is by suffix (see below).
 */
function constructOf(address) {
  const parts = address.split(/[#/]/).filter((p) => p && p !== 'Resource' && !p.endsWith('.ts'));
  return (parts[parts.length - 1] ?? address).replace(/[0-9A-F]{8}$/, '');
}

/** Same group: the synthesized id ends with the source construct id (also "Instance" + "InstanceSecurityGroup"). */
const sameGroup = (source, synth) => synth === source || synth.endsWith(source) || synth.includes(source.replace(/\/?SecurityGroup$/, ''));

const summary = [];
for (const app of apps(root)) {
  const sources = await lint([app], { cwd: app, exclude: ['cdk.out/**', 'test/**', 'node_modules/**'] });
  const synth = await lint([join(app, 'cdk.out')], { cwd: app });
  const key = (f) => ({ group: constructOf(f.group ?? f.resource), ports: f.message.match(/reaches (.*?) on group|allows (.*?) on group/)?.slice(1).find(Boolean) ?? '' });
  const a = sources.findings.filter((f) => WORLD.has(f.ruleId)).map(key);
  const b = synth.findings.filter((f) => WORLD.has(f.ruleId)).map(key);
  const show = (k) => `${k.group} ${k.ports}`;
  const onlySource = a.filter((x) => !b.some((y) => y.ports === x.ports && sameGroup(x.group, y.group))).map(show);
  const onlySynth = b.filter((y) => !a.some((x) => y.ports === x.ports && sameGroup(x.group, y.group))).map(show);
  summary.push({ app: app.slice(root.length + 1), source: a.length, synth: b.length, onlySource, onlySynth });
}
for (const s of summary) console.log(`${s.onlySource.length + s.onlySynth.length === 0 ? 'same' : 'DIFF'}  ${s.app}: sources ${s.source}, synth ${s.synth}${s.onlySource.length ? `\n      only in sources: ${s.onlySource.join('; ')}` : ''}${s.onlySynth.length ? `\n      only in synth:   ${s.onlySynth.join('; ')}` : ''}`);
const same = summary.filter((s) => s.onlySource.length + s.onlySynth.length === 0).length;
console.log(`${same}/${summary.length} apps agree`);
