// npm's `prepare` (after `npm ci`/`npm install` in a checkout): builds dist/ when the dev dependencies are installed.
// Without them (`npm ci --omit=dev`) there is no compiler: nothing is built and the `sg-lint` command runs the committed
// bundle (bin/sg-lint.js). `npm pack` and `npm publish` build in `prepack`, which runs just before this.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const command = process.env.npm_command;
if (command === 'pack' || command === 'publish') process.exit(0);

try {
  createRequire(import.meta.url).resolve('typescript/package.json');
} catch {
  console.log('sg-lint: dev dependencies not installed, so dist/ is not built; the sg-lint command runs bundle/sg-lint.mjs');
  process.exit(0);
}
const npm = process.env.npm_execpath;
const run = npm ? spawnSync(process.execPath, [npm, 'run', 'build'], { stdio: 'inherit' }) : spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
process.exit(run.status ?? 1);
