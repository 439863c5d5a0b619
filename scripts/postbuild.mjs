// After tsc: make the CLI executable, and give it the conventional entry dist/cli.js (used by tools that run sg-lint from a checkout).
import { chmodSync, writeFileSync } from 'node:fs';

const bin = new URL('../dist/src/bin.js', import.meta.url);
const alias = new URL('../dist/cli.js', import.meta.url);
writeFileSync(alias, "#!/usr/bin/env node\nimport './src/bin.js';\n");
for (const f of [bin, alias]) chmodSync(f, 0o755);
