// Makes the built CLI executable (npm sets the mode for installed bins, but not for `npm ci` in this checkout).
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/src/bin.js', import.meta.url), 0o755);
