import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { link } from '../../src/model/link.js';
import { parseCdk } from '../../src/parsers/cdk/index.js';
import { modelSnapshot } from '../helpers/model-snapshot.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', '_parsers', 'cdk');

describe('CDK front end: model snapshots', () => {
  for (const name of readdirSync(DIR).filter((n) => n.endsWith('.ts'))) {
    it(name, async () => {
      const result = parseCdk([join(DIR, name)], { cwd: DIR });
      expect(result.files.flatMap((f) => f.diagnostics)).toEqual([]);
      const model = link([result.facts]);
      await expect(JSON.stringify({ ...(modelSnapshot(model) as object), unresolved: model.unresolved }, null, 1)).toMatchFileSnapshot(join(DIR, '__snapshots__', `${name}.json`));
    });
  }
});
