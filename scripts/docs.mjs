// Regenerates the README's generated tables (run after `npm run build`, or via `npm run docs`): the rules table from
// rule metadata, and the table of other scanners' checks from src/engine/peers/table.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { peerTable } from '../dist/src/docs/peer-table.js';
import { rulesTable } from '../dist/src/docs/rules-table.js';

const file = new URL('../README.md', import.meta.url);
let readme = readFileSync(file, 'utf8');
for (const [marker, table] of [
  ['rules-table', rulesTable()],
  ['peer-table', peerTable()],
]) {
  const block = new RegExp(`<!-- ${marker}:start -->\\n[\\s\\S]*?<!-- ${marker}:end -->`);
  if (!block.test(readme)) throw new Error(`README.md has no <!-- ${marker}:start --> marker`);
  readme = readme.replace(block, () => `<!-- ${marker}:start -->\n${table}<!-- ${marker}:end -->`);
}
writeFileSync(file, readme);
