import { BUILTIN_RULES } from '../engine/builtins.js';
import { RULES } from '../../rules/index.js';
import { presetsOf } from '../../rules/presets.js';

/** The README's rules table, generated from rule metadata (`npm run docs` writes it; a test checks it is current). */
export function rulesTable(): string {
  const rows = [...RULES, ...BUILTIN_RULES].map((r) => {
    const presets = r.online ? 'online only' : presetsOf(r).join(', ') || '-';
    return `| [\`${r.id}\`](rules/${r.id}.md) | ${r.level} | ${presets} | ${r.title.replace(/\|/g, '\\|')} |`;
  });
  return ['| rule | level | presets | what it flags |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}
