// Regenerates the README's rules table from rule metadata (run after `npm run build`, or via `npm run docs`).
import { readFileSync, writeFileSync } from 'node:fs';
import { rulesTable } from '../dist/src/docs/rules-table.js';

const file = new URL('../README.md', import.meta.url);
const readme = readFileSync(file, 'utf8');
const next = readme.replace(/<!-- rules-table:start -->\n[\s\S]*?<!-- rules-table:end -->/, `<!-- rules-table:start -->\n${rulesTable()}<!-- rules-table:end -->`);
if (next === readme && !readme.includes('<!-- rules-table:start -->')) throw new Error('README.md has no <!-- rules-table:start --> marker');
writeFileSync(file, next);
