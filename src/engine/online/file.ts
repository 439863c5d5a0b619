// The offline `file` provider: a blocklist the user supplies (one IP or CIDR a line, `#` or `;` comments, as in
// FireHOL netsets and the Spamhaus DROP list). Entries become sorted, non-nested ranges searched by bisection.
import { lastAddress, parseCidr } from '../../model/net.js';
import { OnlineError, type Provider, type Verdict } from './provider.js';
import { readTextFile } from '../../util/files.js';
import { cut } from '../../util/strings.js';

/** A range of one family: IPv4 as plain numbers (fast to parse and compare), IPv6 as BigInt. */
interface Entry<N extends number | bigint> {
  lo: N;
  hi: N;
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

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** An IPv4 address or CIDR as a [first, last] pair of numbers, as parseCidr reads it (no leading zeros); else null. */
function v4Range(text: string): [number, number] | null {
  const m = V4.exec(text);
  if (!m) return null;
  let addr = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = m[i]!;
    if ((octet.length > 1 && octet[0] === '0') || Number(octet) > 255) return null;
    addr = addr * 256 + Number(octet);
  }
  if (m[5] !== undefined && m[5].length > 1 && m[5][0] === '0') return null;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return null;
  const size = 2 ** (32 - prefix);
  const lo = addr - (addr % size);
  return [lo, lo + size - 1];
}

export function parseBlocklist(text: string): Blocklist {
  const v4: Entry<number>[] = [];
  const v6: Entry<bigint>[] = [];
  const invalid: { line: number; text: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const token = lines[i]!.replace(/[#;].*$/, '').trim().split(/\s+/)[0];
    if (!token) continue;
    const r4 = v4Range(token);
    if (r4) {
      v4.push({ lo: r4[0], hi: r4[1], text: token, line: i + 1 });
      continue;
    }
    const cidr = token.includes(':') ? parseCidr(token) : null;
    if (cidr) v6.push({ lo: cidr.addr, hi: lastAddress(cidr), text: token, line: i + 1 });
    else invalid.push({ line: i + 1, text: cut(token, 60) });
  }
  const ranges4 = outermost(v4);
  const ranges6 = outermost(v6);
  return {
    size: ranges4.length + ranges6.length,
    invalid,
    match(address) {
      const r4 = v4Range(address);
      if (r4) return search(ranges4, r4[0]);
      const c = address.includes(':') ? parseCidr(address) : null;
      return c ? search(ranges6, c.addr) : null;
    },
  };
}

function search<N extends number | bigint>(list: Entry<N>[], addr: N): { entry: string; line: number } | null {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = list[mid]!;
    if (addr < e.lo) hi = mid - 1;
    else if (addr > e.hi) lo = mid + 1;
    else return { entry: e.text, line: e.line };
  }
  return null;
}

/** CIDRs are nested or disjoint: sorted by start and widest first, each entry inside the previous kept one is dropped. */
function outermost<N extends number | bigint>(entries: Entry<N>[]): Entry<N>[] {
  entries.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : a.hi > b.hi ? -1 : a.hi < b.hi ? 1 : a.line - b.line));
  const kept: Entry<N>[] = [];
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
    text = readTextFile(path);
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
