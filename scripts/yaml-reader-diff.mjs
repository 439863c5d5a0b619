// node scripts/yaml-reader-diff.mjs [--mutations N] [--synthetic N] [--seed S] [--dump DIR] DIR...: checks the fast CloudFormation YAML reader
// against `yaml` (run `npm run build` first). For every .yaml/.yml/.template file under each DIR, and for N seeded
// mutations of those files in all, both readers parse the text; wherever the fast reader accepts it, the two node trees
// (classes, values, types, tags, formats, source ranges, key order), the comment lists and the line starts must be
// identical (--dump writes the texts that are not to DIR). Prints, per DIR and for the mutations, how many texts the fast reader accepted and how many it left to
// `yaml`, and the first differences; exits 1 if there was any.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isPair, isScalar, isSeq } from 'yaml';

const NODE_TYPE = Symbol.for('yaml.node.type');

/** Node fields that only `yaml`'s stringifier reads and the fast reader does not set. */
const IGNORED = new Set(['comment', 'commentBefore', 'spaceBefore']);

const show = (v) => (typeof v === 'number' && (Object.is(v, -0) || !Number.isFinite(v)) ? String(Object.is(v, -0) ? '-0' : v) : JSON.stringify(v));

/** One line per node: its path, class and every field but IGNORED (items, key and value as nodes of their own). */
export function describeTree(node) {
  const out = [];
  const walk = (n, path) => {
    const kind = isScalar(n) ? 'scalar' : isMap(n) ? 'map' : isSeq(n) ? 'seq' : isPair(n) ? 'pair' : n === null ? 'null' : `other:${n?.constructor?.name}`;
    const fields = n && typeof n === 'object' ? Object.keys(n).filter((k) => !IGNORED.has(k) && k !== 'items' && k !== 'key' && k !== 'value').sort() : [];
    const own = fields.map((k) => `${k}=${show(n[k])}`);
    if (isScalar(n)) own.unshift(`value=${show(n.value)}:${typeof n.value}`);
    out.push(`${path} ${kind} ${n?.constructor?.name ?? ''} ${String(n?.[NODE_TYPE]?.description)} ${own.join(' ')}`);
    if (isMap(n) || isSeq(n)) n.items.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (isPair(n)) {
      walk(n.key, `${path}.key`);
      walk(n.value, `${path}.value`);
    }
  };
  walk(node, '$');
  return out;
}

/**
 * Null when the fast reader declined the text; otherwise the differences between what it read and what `yaml` read
 * (an empty list when there are none). `fast` and `slow` are the two readers (readTemplateYaml and parseYaml).
 */
export function compareReaders(text, fast, slow) {
  const mine = fast(text);
  if (!mine) return null;
  const theirs = slow(text);
  const problems = [];
  if (theirs.documents !== 1 || theirs.doc.errors.length > 0 || theirs.doc.warnings.length > 0) {
    problems.push(`yaml: ${theirs.documents} documents, errors ${theirs.doc.errors.map((e) => e.code)}, warnings ${theirs.doc.warnings.map((e) => e.code)}`);
  }
  const a = describeTree(mine.root);
  const b = describeTree(theirs.doc.contents);
  for (let i = 0; i < Math.max(a.length, b.length) && problems.length < 5; i++) {
    if (a[i] !== b[i]) problems.push(`node\n    fast: ${a[i]}\n    yaml: ${b[i]}`);
  }
  const ca = JSON.stringify(mine.comments);
  const cb = JSON.stringify(theirs.comments);
  if (ca !== cb) problems.push(`comments\n    fast: ${ca.slice(0, 300)}\n    yaml: ${cb.slice(0, 300)}`);
  if (JSON.stringify(mine.lines.lineStarts) !== JSON.stringify(theirs.lines.lineStarts)) problems.push('line starts differ');
  return problems;
}

// ---- seeded mutations, after the kinds /work/shared/tools/fuzz.mjs makes, and a few that move YAML's layout around

function rng(seed) {
  let s = [...seed].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619), 2166136261);
  const f = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (lo, hi) => lo + Math.floor(f() * (hi - lo + 1));
  return { int, pick: (xs) => xs[int(0, xs.length - 1)], chance: (p) => f() < p };
}

const lineSplit = (text) => text.split(/(?<=\n)/);
const atLine = (r, text, fn) => {
  const ls = lineSplit(text);
  const i = r.int(0, Math.max(0, ls.length - 1));
  ls[i] = fn(ls[i] ?? '', ls, i);
  return ls.join('');
};
const SNIPPETS = ['!Ref X', '!Sub "${A}-b"', "'quoted'", '"esc\\u0041\\n"', '[a, b]', '{a: 1, b: [2, 3]}', '|', '>-', '|+', '|2', '~', 'null', '0x1F', '0o17', '1e3', '1.50', '.inf', '-.Inf', '.NaN', 'TRUE', 'yes', '012', '+5', '-0', '1_0', '', '- x', 'k: v', '# c', '&a x', '*a', '? k', '"', "'", ': x', '<<: *a'];
const MUTATIONS = {
  truncate: (r, t) => t.slice(0, r.int(0, t.length)),
  'byte-flip': (r, t) => {
    const cs = [...t];
    for (let n = r.int(1, 4); n > 0; n--) cs[r.int(0, cs.length - 1)] = String.fromCharCode(r.pick([9, 10, 13, 32, 33, 34, 35, 38, 39, 42, 44, 45, 58, 62, 91, 93, 123, 124, 125, 97, 48]));
    return cs.join('');
  },
  'delete-line': (r, t) => atLine(r, t, () => ''),
  'duplicate-line': (r, t) => atLine(r, t, (l) => l + l),
  'indent-more': (r, t) => atLine(r, t, (l) => ' '.repeat(r.int(1, 4)) + l),
  'indent-less': (r, t) => atLine(r, t, (l) => l.replace(/^ {1,2}/, '')),
  'comment-line': (r, t) => atLine(r, t, (l) => `${' '.repeat(r.int(0, 12))}# note${r.chance(0.5) ? '' : ' #more'}\n${l}`),
  'trailing-comment': (r, t) => atLine(r, t, (l) => l.replace(/\n?$/, (nl) => `${' '.repeat(r.int(0, 2))}# c${nl}`)),
  'blank-line': (r, t) => atLine(r, t, (l) => `${' '.repeat(r.int(0, 10))}\n${l}`),
  'trailing-spaces': (r, t) => atLine(r, t, (l) => l.replace(/\n?$/, (nl) => `${' '.repeat(r.int(1, 3))}${nl}`)),
  'replace-value': (r, t) => atLine(r, t, (l) => l.replace(/^(\s*(?:- )?[\w"'-]+:\s)(.*)$/, (m, head) => head + r.pick(SNIPPETS))),
  'replace-item': (r, t) => atLine(r, t, (l) => l.replace(/^(\s*- )(.*)$/, (m, head) => head + r.pick(SNIPPETS))),
  'insert-snippet': (r, t) => {
    const at = r.int(0, t.length);
    return t.slice(0, at) + r.pick(SNIPPETS) + t.slice(at);
  },
  unbalanced: (r, t) => {
    const at = r.int(0, t.length);
    return t.slice(0, at) + r.pick(['{', '}', '[', ']', '"', "'", ',', ':', '#', '!']) + t.slice(at);
  },
  'yaml-tabs': (r, t) => lineSplit(t).map((l) => (r.chance(0.05) ? l.replace(/^( {2})+/, (m) => '\t'.repeat(m.length / 2)) : l)).join(''),
  crlf: (r, t) => t.replace(/\r?\n/g, '\r\n'),
  bom: (r, t) => `\uFEFF${t}`,
  'no-final-newline': (r, t) => t.replace(/\s*$/, ''),
  'block-scalar-tail': (r, t) => `${t.replace(/\s*$/, '\n')}Tail${r.int(0, 99)}: ${r.pick(['|', '|-', '|+', '>', '>-', '>+', '|2', '>1-'])}\n${r.pick(['  a\n  b\n', '   a\n\n  b\n', '  a\n   \n', '  a\n\n\n', '\n  a\n', '  a\n    b\n  c', '  a\n  # not a comment\n# comment\n', '    a\n  b\n'])}${r.pick(['', '\n', '  \n', '# end\n', 'After: 1\n'])}`,
};

/** Small random documents in the layouts templates use, with blank and comment lines at random indentations. */
function* synthetic(count, seed) {
  const scalars = ['x', 'a b', "'q'", "'it''s'", '"d\\"q"', '"u\\u00e9"', '1', '-2', '0.50', '1e3', '0x1f', '0o7', 'true', 'Null', '~', '.inf', '.NaN', 'a:b', 'a #b', 'http://h/p', '!Ref R', '!Sub "${A}"', "!GetAtt 'A.B'", '- x', '[a, !Ref b]', '{k: v, n: [1, 2]}', '[ ]', '{}', '!If [C, {a: 1}, !Ref AWS::NoValue]'];
  for (let n = 0; n < count; n++) {
    const r = rng(`${seed}:synthetic:${n}`);
    const lines = [];
    const trivia = (indent) => {
      while (r.chance(0.25)) lines.push(r.chance(0.5) ? ' '.repeat(r.int(0, indent + 4)) : `${' '.repeat(r.int(0, indent + 4))}# c${r.int(0, 9)}`);
    };
    const comment = () => (r.chance(0.2) ? `${' '.repeat(r.int(1, 2))}# t` : '');
    const block = (indent, depth) => {
      const step = r.int(1, 4);
      const seq = depth > 0 && r.chance(0.3);
      for (let k = 0, items = r.int(1, 4); k < items; k++) {
        trivia(indent);
        const head = `${' '.repeat(indent)}${seq ? '-' : `k${k}:`}`;
        const kind = depth < 4 ? r.int(0, 9) : 0;
        if (kind <= 4) lines.push(`${head} ${r.pick(scalars)}${comment()}`);
        else if (kind === 5) {
          lines.push(`${head} ${r.pick(['|', '>', '|-', '>+', '|2', '>-1', '|+'])}${comment()}`);
          for (let l = r.int(0, 4); l >= 0; l--) lines.push(r.chance(0.2) ? ' '.repeat(r.int(0, indent + 4)) : `${' '.repeat(indent + step + r.int(0, 1))}text ${l}${r.chance(0.1) ? ' # not a comment' : ''}`);
        } else if (kind === 6) {
          lines.push(`${head} ${r.pick(['"multi', "'multi", 'plain', '[a,', '{a: 1,'])}`);
          for (let l = r.int(0, 2); l >= 0; l--) lines.push(r.chance(0.2) ? '' : `${' '.repeat(indent + r.int(0, 3))}line ${l}`);
          lines.push(`${' '.repeat(indent + r.int(0, 3))}${r.pick(['end"', "end'", 'end', 'b]', 'b: 2}', ']'])}`);
        } else {
          lines.push(`${head}${r.chance(0.2) ? ` ${r.pick(['!If', '!Sub', '!Ref'])}` : ''}${comment()}`);
          trivia(indent);
          if (r.chance(0.1)) continue;
          block(seq && r.chance(0.5) ? indent + 2 : indent + r.int(seq ? 1 : 0, 3), depth + 1);
        }
      }
    };
    if (r.chance(0.3)) lines.push(r.pick(['---', '--- # start', '# head', '%YAML 1.2\n---']));
    block(0, 0);
    trivia(0);
    yield { text: lines.join('\n') + (r.chance(0.8) ? '\n' : ''), label: `synthetic ${n}` };
  }
}

function* mutants(texts, count, seed) {
  const names = Object.keys(MUTATIONS);
  for (let i = 0; i < count; i++) {
    const r = rng(`${seed}:${i}`);
    const text = r.pick(texts);
    let out = text;
    const steps = r.int(1, 3);
    const applied = [];
    for (let s = 0; s < steps; s++) {
      const name = r.pick(names);
      applied.push(name);
      out = MUTATIONS[name](r, out);
    }
    yield { text: out, label: `mutation ${i} (${applied.join(', ')})` };
  }
}

function yamlFiles(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      if (name === 'node_modules' || name === '.git') return [];
      const p = join(dir, name);
      return statSync(p).isDirectory() ? yamlFiles(p) : /\.(ya?ml|template)$/.test(name) ? [p] : [];
    });
}

async function main() {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i === -1 ? fallback : args.splice(i, 2)[1];
  };
  const mutationCount = Number(option('mutations', '3000'));
  const seed = option('seed', 'yaml-reader');
  const dump = option('dump', null);
  const syntheticCount = Number(option('synthetic', '0'));
  const { readTemplateYaml, parseYaml } = await import('../dist/src/parsers/cloudformation/document.js');
  let failed = 0;
  const check = (sets) => {
    for (const [name, items] of sets) {
      let accepted = 0;
      let declined = 0;
      for (const { text, label } of items) {
        const problems = compareReaders(text, readTemplateYaml, parseYaml);
        if (problems === null) declined++;
        else accepted++;
        if (problems?.length) {
          failed++;
          if (failed <= 20) console.log(`DIFFERENT ${label}\n  ${problems.join('\n  ')}`);
          if (dump) writeFileSync(join(dump, `different-${failed}.yaml`), text);
        }
      }
      console.log(`${name}: ${accepted} accepted, ${declined} left to yaml`);
    }
  };
  const seeds = [];
  check(
    args.map((dir) => {
      const files = yamlFiles(dir).map((f) => ({ text: readFileSync(f, 'utf8'), label: f }));
      seeds.push(...files.map((f) => f.text).filter((t) => /AWSTemplateFormatVersion|Resources/.test(t) && !/^\s*[{[]/.test(t)));
      return [dir, files];
    }),
  );
  if (syntheticCount > 0) check([[`${syntheticCount} synthetic documents (seed ${seed})`, synthetic(syntheticCount, seed)]]);
  if (mutationCount > 0 && seeds.length > 0) check([[`${mutationCount} mutations (seed ${seed})`, mutants(seeds, mutationCount, seed)]]);
  console.log(failed === 0 ? 'no differences' : `${failed} texts read differently`);
  process.exitCode = failed === 0 ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
