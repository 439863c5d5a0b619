import { PEER_CHECKS, PEER_TOOLS } from '../engine/peers/table.js';

/** The README's table of other scanners' checks and their sg-lint counterparts (`npm run docs` writes it; a test checks it is current). */
export function peerTable(): string {
  const code = (s: string) => `\`${s}\``;
  const rows = PEER_CHECKS.map((c) => {
    const ids = code(c.id) + (c.aliases?.length ? ` (also ${c.aliases.map(code).join(', ')})` : '');
    const rules = c.rules.map((r) => `[${code(r)}](rules/${r}.md)`).join(', ');
    return `| ${PEER_TOOLS[c.tool].name} | ${ids} | ${c.title.replace(/\|/g, '\\|')} | ${rules} |`;
  });
  return ['| tool | check | what it checks | sg-lint rules it silences |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}
