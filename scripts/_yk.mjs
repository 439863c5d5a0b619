import { parseDocument, LineCounter } from 'yaml';
import { readFileSync } from 'node:fs';
const text = readFileSync(process.argv[2], 'utf8');
for (const uk of [false, true]) {
  const s = performance.now();
  const doc = parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: uk });
  const p = performance.now();
  doc.toJS({ maxAliasCount: 100 });
  console.log('uniqueKeys', uk, 'parse', Math.round(p - s), 'toJS', Math.round(performance.now() - p), 'errors', doc.errors.length, 'rss MB', Math.round(process.memoryUsage().rss / 1048576));
  if (uk && process.argv[3]) break;
}
