// The offline `file` provider: a blocklist the user supplies (one IP or CIDR a line, `#` or `;` comments, as in
// FireHOL netsets and the Spamhaus DROP list). Entries become sorted, non-nested ranges searched by bisection.
import { readFileSync } from 'node:fs';
import { lastAddress, parseCidr, type Family } from '../../model/net.js';
import { OnlineError, type Provider, type Verdict } from './provider.js';

interface Entry {
  lo: bigint;
  hi: bigint;
  text: string;
  line: number;
}

export interface Blocklist {
  /** Entries in use (nested ones are covered by the wider entry around them). */
  size: number;
  /** Lines that hold neither an IP address nor a CIDR. */
  invalid: { line: number; text: string }[];
  match(address: string): { entry: string; line: number } | null;
}

export function parseBlocklist(text: string): Blocklist {
  const byFamily: Record<Family, Entry[]> = { 4: [], 6: [] };
  const invalid: { line: number; text: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const token = lines[i]!.replace(/[#;].*$/, '').trim().split(/\s+/)[0];
    if (!token) continue;
    const cidr = parseCidr(token);
    if (!cidr) {
      invalid.push({ line: i + 1, text: token.length > 60 ? `${token.slice(0, 57)}...` : token });
      continue;
    }
    byFamily[cidr.family].push({ lo: cidr.addr, hi: lastAddress(cidr), text: token, line: i + 1 });
  }
  const ranges = { 4: outermost(byFamily[4]), 6: outermost(byFamily[6]) };
  return {
    size: ranges[4].length + ranges[6].length,
    invalid,
    match(address) {
      const c = parseCidr(address);
      if (!c) return null;
      const list = ranges[c.family];
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const e = list[mid]!;
        if (c.addr < e.lo) hi = mid - 1;
        else if (c.addr > e.hi) lo = mid + 1;
        else return { entry: e.text, line: e.line };
      }
      return null;
    },
  };
}

/** CIDRs are nested or disjoint: sorted by start and widest first, each entry inside the previous kept one is dropped. */
function outermost(entries: Entry[]): Entry[] {
  entries.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.hi > b.hi ? -1 : a.hi < b.hi ? 1 : a.line - b.line));
  const kept: Entry[] = [];
  for (const e of entries) {
    const last = kept[kept.length - 1];
    if (!last || e.lo > last.hi) kept.push(e);
  }
  return kept;
}

/** `path` is read once, when the provider is made; `display` names it in messages. */
export function fileProvider(path: string, display: string): { provider: Provider; invalid: { line: number; text: string }[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new OnlineError('config', `cannot read the blocklist ${display}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const list = parseBlocklist(text);
  const provider: Provider = {
    name: 'file',
    target: display,
    cacheId: null,
    lookup: async (addresses, _signal, progress) => {
      const out = new Map<string, Verdict>();
      for (const address of addresses) {
        const hit = list.match(address);
        if (!hit) {
          out.set(address, { listed: false, detectedBy: 0, sources: [], summary: 'not listed' });
          continue;
        }
        const summary = hit.entry === address ? `listed (line ${hit.line})` : `listed as ${hit.entry} (line ${hit.line})`;
        out.set(address, { listed: true, detectedBy: 1, sources: [{ provider: display, assessment: summary }], summary, details: { entry: hit.entry, line: hit.line } });
      }
      progress?.(addresses.length);
      return out;
    },
  };
  return { provider, invalid: list.invalid };
}
