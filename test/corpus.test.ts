import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lint } from '../src/api.js';

const CORPUS = join(import.meta.dirname, '..', '..', 'shared', 'corpus');
const present = existsSync(CORPUS);
if (!present) console.warn(`corpus smoke test skipped: ${CORPUS} is absent (it ships beside the project in CI, not in a user's clone)`);

// Real-world Terraform from public repositories: every file is valid, so nothing may crash and nothing may fail to parse.
describe.skipIf(!present)('corpus smoke test (../shared/corpus)', () => {
  it('lints every Terraform file with no crash, no run error and no parse error, and reports what stayed unresolved', { timeout: 300_000 }, async () => {
    const result = await lint([CORPUS], { cwd: CORPUS, preset: 'all' });
    expect(result.errors).toEqual([]);
    expect(result.findings.filter((f) => f.ruleId === 'parse-error').map((f) => `${f.at.file}: ${f.message}`)).toEqual([]);
    expect(result.stats.byFormat.terraform).toBeGreaterThanOrEqual(632);
    console.log(
      `corpus: ${result.stats.files} files, ${result.stats.groups} groups, ${result.stats.rules} rules, ${result.findings.length} findings; ` +
        `${result.stats.unresolvedValues} values unresolved: ${JSON.stringify(result.stats.unresolvedByReason)}`,
    );
  });
});
