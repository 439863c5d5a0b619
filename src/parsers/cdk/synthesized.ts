import { dirname } from 'node:path';
import { addTo } from '../../util/maps.js';
import type { ScanRoot } from '../../util/scan-root.js';
import { readSource, type SourceOverlay } from '../read.js';
import { appRoot, mentionsCdk } from './app.js';

/**
 * A CDK app analyzed twice, from its sources and from a synthesized template of it (`cdk.out/…template.json`, or a
 * committed template carrying `aws:cdk:path` metadata), would report every problem twice: one copy is linted, the
 * other skipped with one note per app.
 */
export type CdkPreference = 'source' | 'synthesized';

export interface OneCopy {
  cloudformation: string[];
  cdk: string[];
  /** Per app directory (absolute): the files skipped, and which copy was kept. */
  skipped: { app: string; files: string[]; kept: CdkPreference }[];
}

const SYNTHESIZED = /aws:cdk:path/;

export function oneCopyPerApp(cloudformation: string[], cdk: string[], cwd: string, scope: ScanRoot, preferFor: (app: string) => CdkPreference, overlay?: SourceOverlay): OneCopy {
  // Read as the front ends read: never past the scan root (a candidate may be a link that leads out of it).
  const read = (file: string, test: (text: string) => boolean): boolean => {
    const text = readSource(file, scope, overlay).text;
    return text !== undefined && test(text);
  };
  const cache = new Map<string, string | null>();
  const appOf = (abs: string) => appRoot(dirname(abs), cwd, cache);
  // Only files inside a CDK app are read here, and sources only for apps that have a synthesized template.
  const templates = new Map<string, string[]>();
  for (const f of cloudformation) {
    const app = appOf(f);
    if (app && read(f, (text) => SYNTHESIZED.test(text))) addTo(templates, app, f);
  }
  if (templates.size === 0) return { cloudformation, cdk, skipped: [] };
  const sources = new Map<string, string[]>();
  for (const f of cdk) {
    const app = appOf(f);
    if (app && templates.has(app)) addTo(sources, app, f);
  }
  const sourceApps = new Set([...sources].filter(([, files]) => files.some((f) => read(f, mentionsCdk))).map(([app]) => app));
  const skipped: OneCopy['skipped'] = [];
  const drop = new Set<string>();
  for (const [app, files] of templates) {
    if (!sourceApps.has(app)) continue;
    const kept = preferFor(app);
    const gone = kept === 'source' ? files : sources.get(app)!;
    for (const f of gone) drop.add(f);
    skipped.push({ app, files: gone, kept });
  }
  return { cloudformation: cloudformation.filter((f) => !drop.has(f)), cdk: cdk.filter((f) => !drop.has(f)), skipped };
}
