#!/usr/bin/env node
// The `sg-lint` command: the CLI built in dist/ (by `npm ci` or `npm run build` in a checkout, and in the published
// package), else the committed single-file bundle, which needs nothing built (a clone installed with
// `npm ci --omit=dev`, which has no TypeScript compiler to build with).
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/bin.js', import.meta.url);
await import(existsSync(built) ? built.href : new URL('../bundle/sg-lint.mjs', import.meta.url).href);
