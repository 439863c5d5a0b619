import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { link } from '../../src/model/link.js';
import { parseCloudFormation } from '../../src/parsers/cloudformation/index.js';
import { modelSnapshot } from '../helpers/model-snapshot.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', '_parsers', 'cloudformation');

describe('CloudFormation front end: model snapshots', () => {
  for (const name of readdirSync(DIR).filter((n) => /\.(ya?ml|json|template)$/.test(n))) {
    it(name, async () => {
      const result = parseCloudFormation([join(DIR, name)], { cwd: DIR, parameters: {} });
      expect(result.files.flatMap((f) => f.diagnostics)).toEqual([]);
      await expect(JSON.stringify(modelSnapshot(link([result.facts])), null, 1)).toMatchFileSnapshot(join(DIR, '__snapshots__', `${name}.json`));
    });
  }
});
