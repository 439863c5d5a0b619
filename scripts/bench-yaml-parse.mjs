// node scripts/bench-yaml-parse.mjs DIR [--rounds N]: loads every .yaml/.yml/.template file under DIR with the
// CloudFormation front end's loadTemplate (run `npm run build` first) and prints the CPU time of the loads, per round.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplate } from '../dist/src/parsers/cloudformation/document.js';

const files = (d) => readdirSync(d).flatMap((n) => {
  const p = join(d, n);
  return statSync(p).isDirectory() ? files(p) : /\.(ya?ml|template)$/.test(n) ? [p] : [];
});
const dir = process.argv[2];
const roundsAt = process.argv.indexOf('--rounds');
const rounds = roundsAt === -1 ? 1 : Number(process.argv[roundsAt + 1]);
const texts = files(dir).map((f) => [f, readFileSync(f, 'utf8')]);
for (let r = 0; r < rounds; r++) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let templates = 0;
  for (const [f, text] of texts) if (loadTemplate(f, text).kind === 'template') templates++;
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ files: texts.length, templates, cpuMs: Math.round((used.user + used.system) / 1000), wallMs: Math.round(performance.now() - start) }));
}
