import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/engine/result.js';
import { formatJunit } from '../../src/reporters/junit.js';
import { cell, formatMarkdown } from '../../src/reporters/markdown.js';
import { finding as findingAt, resultOf } from '../helpers/results.js';
import { runCli } from '../helpers/workspace.js';

const E2E = join(import.meta.dirname, '..', '..', 'fixtures', '_e2e');
const VERSION = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version as string;

const finding = (i: number, extra: Partial<Finding> = {}) => findingAt(i, { message: `Ingress from 0.0.0.0/0 reaches TCP ${i} on group \`g|${i}\``, ...extra });

describe('junit and markdown', () => {
  it('match their snapshots for the mixed e2e project', async () => {
    const dir = join(E2E, 'mixed');
    const junit = await runCli(dir, ['.', '-f', 'junit']);
    await expect(junit.stdout).toMatchFileSnapshot('./__snapshots__/e2e-mixed.junit.xml');
    expect(junit.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="sg-lint" tests="\d+" failures="8" errors="0" skipped="2">/);
    const markdown = await runCli(dir, ['.', '-f', 'markdown']);
    await expect(markdown.stdout).toMatchFileSnapshot('./__snapshots__/e2e-mixed.md');
    expect(markdown.stdout).toContain(`| 🔴 error | [\`ingress-world-admin-port\`](https://github.com/sg-lint/sg-lint/blob/v${VERSION}/rules/ingress-world-admin-port.md) | \`terraform/network/main.tf:10:20\` |`);
  });

  it('escapes XML and strips characters XML cannot hold', () => {
    const xml = formatJunit(resultOf([finding(1, { message: 'a <b> & "c"\u0007', resource: 'x"y' })]), { rules: [] });
    expect(xml).toContain('message="a &lt;b&gt; &amp; &quot;c&quot;\uFFFD"');
    expect(xml).toContain('name="ingress-world-open-port 1:3 x&quot;y"');
    expect(xml).not.toContain('\u0007');
  });

  it('keeps table cells intact: pipes escaped, HTML only escaped outside code spans, no line breaks', () => {
    expect(cell('a | b <i>x</i> `1 < 2 | 3`\nnext')).toBe('a \\| b &lt;i&gt;x&lt;/i&gt; `1 < 2 \\| 3`<br>next');
  });

  it('stays under its size cap and says how many findings it left out', () => {
    const findings = Array.from({ length: 500 }, (_v, i) => finding(i + 1));
    const text = formatMarkdown(resultOf(findings), { rules: [], path: (f) => f, maxBytes: 8_000 });
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(8_000);
    const shown = text.split('\n').filter((l) => l.startsWith('| 🟡 warning')).length;
    expect(shown).toBeGreaterThan(10);
    expect(text).toContain(`_${500 - shown} more findings not listed: this summary is limited to 8 kB.`);
  });
});
