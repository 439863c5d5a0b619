import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { link } from '../../src/model/link.js';
import { parseTerraformModule } from '../../src/parsers/terraform/index.js';
import { modelSnapshot } from '../helpers/model-snapshot.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', '_parsers', 'terraform');

// trivy's adapt_test pattern: each parser fixture becomes a snapshot of the normalized model, spans and unknowns included.
describe('Terraform front end: model snapshots', () => {
  for (const name of readdirSync(DIR).filter((n) => n.endsWith('.tf') || n.endsWith('.tf.json'))) {
    it(name, async () => {
      const result = await parseTerraformModule(DIR, [join(DIR, name)], { cwd: DIR, vars: {}, varFiles: [] });
      expect(result.files.flatMap((f) => f.diagnostics)).toEqual([]);
      await expect(JSON.stringify(modelSnapshot(link([result.facts])), null, 1)).toMatchFileSnapshot(join(DIR, '__snapshots__', `${name}.json`));
    });
  }
});
