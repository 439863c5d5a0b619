// Builds the single-file bundle bundle/sg-lint.mjs from dist/ (run `npm run build` first; `npm run bundle` does both):
// the CLI with everything it runs on (yaml, picomatch, re2js, the precompiled validators and ajv for plugin rules,
// TypeScript for the CDK front end, hcl2json and its WebAssembly), the package files a run reads (package.json's
// version, the config schema, the rule docs) and the licences of what it carries. It is the GitHub Action's CLI, the
// single-file download and the Docker image's, and `bin/sg-lint.js` falls back on it when dist/ is not built.
//
//   node scripts/bundle.mjs            write bundle/sg-lint.mjs, and bundle/github-env.mjs for the Action's entry point
//   node scripts/bundle.mjs --check    rebuild in memory; exit 1 when a committed file differs (the CI check)
//
// The same inputs give the same bytes: no timestamps, no absolute paths, inputs read in a fixed order.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { deflateSync } from 'fflate';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'src', 'bundle.js');
const require = createRequire(import.meta.url);

/** What the bundle carries in place of package files (src/util/package-files.ts reads them from SG_LINT_EMBEDDED_FILES). */
function embeddedFiles() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const files = {
    'package.json': JSON.stringify({ name: pkg.name, version: pkg.version }),
    'schemas/config.schema.json': readFileSync(join(ROOT, 'schemas', 'config.schema.json'), 'utf8'),
  };
  for (const name of readdirSync(join(ROOT, 'rules')).filter((n) => /^[a-z0-9-]+\.md$/.test(n)).sort()) {
    files[`rules/${name}`] = readFileSync(join(ROOT, 'rules', name), 'utf8');
  }
  return files;
}

/**
 * Edits to a few modules as the bundle takes them, each of which must apply exactly as written (a build fails when the
 * code they edit changed, rather than bundling something that fails at run time).
 */
const EDITS = [
  {
    // hcl2json reads its gzipped WebAssembly from a file beside its package; the bundle carries the bytes instead.
    module: /[\\/]@cdktf[\\/]hcl2json[\\/]lib[\\/]bridge\.js$/,
    find: 'fs.readFile((0, path_1.join)(__dirname, "..", "main.wasm.gz"))',
    replace: () => `Buffer.from(${JSON.stringify(readFileSync(join(dirname(require.resolve('@cdktf/hcl2json/package.json')), 'main.wasm.gz')).toString('base64'))}, "base64")`,
  },
  {
    // Go's WebAssembly support loads a polyfill only where there is no `performance` global; Node.js has one.
    module: /[\\/]@cdktf[\\/]hcl2json[\\/]wasm[\\/]bridge_wasm_exec\.js$/,
    find: 'globalThis.performance ??= require("performance");',
    replace: () => '',
  },
  {
    // The CDK front end finds TypeScript inside ts-morph's installed files at run time. The bundle carries that file
    // compressed and compiles it when the front end first loads: as code or as a plain string, its 9 MB would cost
    // every run a quarter of a second of parsing at start. fflate compresses the same bytes on every machine (zlib's
    // output may depend on the CPU); node:zlib inflates them.
    module: /[\\/]dist[\\/]src[\\/]parsers[\\/]cdk[\\/]typescript\.js$/,
    whole: true,
    replace: () => `// TypeScript as ${typescriptPackage().name} ${typescriptPackage().version} ships it (its licence is at the end of this file)
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFunction } from 'node:vm';
import { inflateRawSync } from 'node:zlib';
const source = inflateRawSync(Buffer.from(${JSON.stringify(Buffer.from(deflateSync(readFileSync(typescriptFile()), { level: 9 })).toString('base64'))}, 'base64')).toString('utf8');
const typescript = { exports: {} };
const bundleFile = fileURLToPath(import.meta.url);
compileFunction(source, ['module', 'exports', 'require', '__filename', '__dirname'], { filename: 'typescript.js' })(typescript, typescript.exports, createRequire(import.meta.url), bundleFile, dirname(bundleFile));
export const ts = typescript.exports;
`,
  },
];

/** ts-morph's copy of TypeScript, which the CDK front end uses (src/parsers/cdk/typescript.ts finds it the same way). */
function typescriptFile() {
  return join(dirname(createRequire(require.resolve('ts-morph')).resolve('@ts-morph/common')), 'typescript.js');
}

/** The package holding that file, for the version and the licence. */
function typescriptPackage() {
  return JSON.parse(readFileSync(join(dirname(typescriptFile()), '..', 'package.json'), 'utf8'));
}

/** In our modules, a `require` made for this module becomes the bundle's own: what it loads is then bundled too. */
const OWN_REQUIRE = 'const require = createRequire(import.meta.url);';

const editPlugin = {
  name: 'sg-lint-edits',
  setup(b) {
    const applied = new Set();
    b.onLoad({ filter: /\.c?js$/ }, (args) => {
      const edit = EDITS.find((e) => e.module.test(args.path));
      const own = args.path.startsWith(join(ROOT, 'dist') + sep);
      if (!edit && !own) return undefined;
      let text = readFileSync(args.path, 'utf8');
      if (edit) {
        if (edit.whole) text = edit.replace();
        else {
          if (text.split(edit.find).length !== 2) throw new Error(`${relative(ROOT, args.path)}: expected "${edit.find}" once; the bundle's edit no longer fits this version`);
          text = text.replace(edit.find, edit.replace());
        }
        applied.add(edit);
      }
      if (own && !edit?.whole && text.includes('createRequire(import.meta.url)')) {
        if (text.split(OWN_REQUIRE).length !== 2) throw new Error(`${relative(ROOT, args.path)}: use createRequire(import.meta.url) only as "${OWN_REQUIRE}", which the bundle knows`);
        text = text.replace(OWN_REQUIRE, '');
      }
      return { contents: text, loader: 'js', resolveDir: dirname(args.path) };
    });
    b.onEnd((result) => {
      if (result.errors.length > 0) return;
      const missed = EDITS.filter((e) => !applied.has(e));
      if (missed.length > 0) throw new Error(`bundle edits not applied (module not bundled): ${missed.map((e) => e.module).join(', ')}`);
    });
  },
};

/**
 * Packages that only one command loads (`sg-lint aws`, `sg-lint lsp`), by the command's group. Each group is built
 * apart into one CommonJS text (so the packages of a group share their dependencies), carried compressed, and compiled
 * when the command first imports one of them: as code in the bundle, they would cost every run their parsing at start.
 */
const LAZY_GROUPS = {
  aws: ['@aws-sdk/client-ec2', '@smithy/core/retry'],
  lsp: ['vscode-languageserver', 'vscode-languageserver/node', 'vscode-languageserver-textdocument'],
};
const lazyGroupOf = (specifier) => Object.keys(LAZY_GROUPS).find((g) => LAZY_GROUPS[g].includes(specifier));

/** Input files of the lazy groups' own builds, for the licence notices. */
const lazyInputs = new Set();

async function lazyGroupModule(group) {
  const entry = `module.exports = {${LAZY_GROUPS[group].map((p) => `${JSON.stringify(p)}: require(${JSON.stringify(p)})`).join(', ')}};`;
  const result = await build({ ...COMMON, format: 'cjs', metafile: true, charset: 'ascii', legalComments: 'none', stdin: { contents: entry, resolveDir: ROOT, sourcefile: `lazy-${group}.cjs` } });
  for (const input of Object.keys(result.metafile.inputs)) lazyInputs.add(input);
  const compressed = Buffer.from(deflateSync(result.outputFiles[0].contents, { level: 9 })).toString('base64');
  return `import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFunction } from 'node:vm';
import { inflateRawSync } from 'node:zlib';
const source = inflateRawSync(Buffer.from(${JSON.stringify(compressed)}, 'base64')).toString('utf8');
const loaded = { exports: {} };
const bundleFile = fileURLToPath(import.meta.url);
compileFunction(source, ['module', 'exports', 'require', '__filename', '__dirname'], { filename: 'lazy-${group}.cjs' })(loaded, loaded.exports, createRequire(import.meta.url), bundleFile, dirname(bundleFile));
export const packages = loaded.exports;
`;
}

/** One package of a lazy group, as an ES module with the names the package exports (read from it at build time). */
function lazyPackageModule(group, specifier) {
  const names = Object.keys(require(specifier)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default').sort();
  return `import { packages } from ${JSON.stringify(`lazy-group:${group}`)};
const m = packages[${JSON.stringify(specifier)}];
${names.map((n) => `export const ${n} = m.${n};`).join('\n')}
export default m;
`;
}

const lazyPlugin = {
  name: 'sg-lint-lazy-groups',
  setup(b) {
    b.onResolve({ filter: /^lazy-group:/ }, (args) => ({ path: args.path.slice('lazy-group:'.length), namespace: 'lazy-group' }));
    b.onResolve({ filter: /^[@a-z]/ }, (args) => {
      const group = lazyGroupOf(args.path);
      return group && args.namespace === 'file' ? { path: args.path, namespace: 'lazy-package', pluginData: { group } } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-group' }, async (args) => ({ contents: await lazyGroupModule(args.path), loader: 'js', resolveDir: ROOT }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => ({ contents: lazyPackageModule(args.pluginData.group, args.path), loader: 'js', resolveDir: ROOT }));
  },
};

/** The licence texts of the packages the bundle carries, as one comment at its end. */
function notices(metafile) {
  const packages = new Map();
  for (const input of [...Object.keys(metafile.inputs), ...lazyInputs]) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) packages.set(m[1], join(ROOT, input.slice(0, m.index + m[0].length)));
  }
  packages.set(typescriptPackage().name, join(dirname(typescriptFile()), '..'));
  const parts = [...packages.keys()].sort().map((name) => {
    const dir = packages.get(name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(dir).sort().find((n) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(n));
    const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    const head = `${name} ${pkg.version} (${pkg.license}${repository ? `, source: ${repository}` : ''})`;
    return licenceFile ? `${head}\n\n${readFileSync(join(dir, licenceFile), 'utf8').trim()}` : head;
  });
  // The TypeScript compiler inside @ts-morph/common is Microsoft's, under its own licence.
  const typescriptNotice = /^\/\*!([\s\S]*?)\*\//.exec(readFileSync(typescriptFile(), 'utf8'))?.[1]?.trim();
  if (!typescriptNotice) throw new Error(`${typescriptFile()} no longer starts with its licence notice`);
  parts.push(`TypeScript, in ${typescriptPackage().name}'s dist/typescript.js\n\n${typescriptNotice}`);
  // hcl2json's WebAssembly is HashiCorp's HCL compiled with Go, and its loader is Go's wasm_exec.js.
  parts.push('The Go runtime in @cdktf/hcl2json\'s main.wasm and its wasm/wasm_exec.js: Copyright The Go Authors; BSD-3-Clause, https://go.dev/LICENSE');
  const text = `Third-party software in this bundle, with its licences:\n\n${parts.join('\n\n---\n\n')}`;
  return `/*\n${text.replace(/\*\//g, '* /')}\n*/\n`;
}

const BANNER = [
  '#!/usr/bin/env node',
  '// sg-lint as one file, made by scripts/bundle.mjs from its sources: do not edit. https://github.com/sg-lint/sg-lint',
  // CommonJS modules in the bundle (hcl2json, fs-extra) require Node.js's own modules, and an ES module has no require.
  "import { createRequire as __sgLintCreateRequire } from 'node:module';",
  'const require = __sgLintCreateRequire(import.meta.url);',
].join('\n');

// preserveSymlinks: inputs are named by their path in this checkout, also where node_modules is a link (the check's test).
const COMMON = { absWorkingDir: ROOT, bundle: true, write: false, platform: 'node', format: 'esm', target: 'node20', preserveSymlinks: true, logLevel: 'warning' };

/** The CLI: bundle/sg-lint.mjs. */
async function cli() {
  if (!existsSync(ENTRY)) throw new Error('dist/src/bundle.js is missing: run `npm run build` first (or `npm run bundle`)');
  const result = await build({
    ...COMMON,
    entryPoints: [ENTRY],
    outfile: join(ROOT, OUTPUTS.cli),
    metafile: true,
    // ASCII only (esbuild escapes other characters in code): Node.js decodes an ASCII file much faster.
    charset: 'ascii',
    legalComments: 'eof',
    plugins: [lazyPlugin, editPlugin],
    define: { SG_LINT_EMBEDDED_FILES: JSON.stringify(embeddedFiles()) },
    banner: { js: BANNER },
  });
  // Comments keep their characters: escaped here too, so that the whole file is ASCII.
  const text = result.outputFiles[0].text + notices(result.metafile);
  return Buffer.from(text.replace(/[^\x00-\x7f]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`), 'ascii');
}

/** What the Action's entry point (action/main.mjs) shares with the CLI: bundle/github-env.mjs. */
async function githubEnv() {
  const result = await build({
    ...COMMON,
    entryPoints: [join(ROOT, 'dist', 'src', 'util', 'github-env.js')],
    outfile: join(ROOT, OUTPUTS.githubEnv),
    banner: { js: '// Made by scripts/bundle.mjs from src/util/github-env.ts: do not edit.' },
  });
  return Buffer.from(result.outputFiles[0].contents);
}

/** The committed files, by path relative to the repository. */
export const OUTPUTS = { cli: 'bundle/sg-lint.mjs', githubEnv: 'bundle/github-env.mjs' };

/** Every output's bytes, by path relative to the repository. */
export async function bundle() {
  return new Map([
    [OUTPUTS.cli, await cli()],
    [OUTPUTS.githubEnv, await githubEnv()],
  ]);
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

async function main() {
  const outputs = await bundle();
  const check = process.argv.includes('--check');
  const stale = [];
  for (const [path, bytes] of outputs) {
    const file = join(ROOT, path);
    const summary = `${path} (${bytes.length} bytes, sha256 ${sha256(bytes)})`;
    if (!check) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, bytes);
      if (path === OUTPUTS.cli) chmodSync(file, 0o755);
      console.log(`wrote ${summary}`);
      continue;
    }
    const committed = existsSync(file) ? readFileSync(file) : Buffer.alloc(0);
    if (committed.equals(bytes)) {
      console.log(`${summary} is up to date`);
      continue;
    }
    const rebuilt = join(mkdtempSync(join(tmpdir(), 'sg-lint-bundle-')), basename(path));
    writeFileSync(rebuilt, bytes);
    const [a, b] = [committed, bytes].map((x) => x.toString('latin1').split('\n'));
    let line = 0;
    while (line < a.length && a[line] === b[line]) line++;
    stale.push(`${path} differs from a rebuild from this source (first at line ${line + 1}; committed ${committed.length} bytes, rebuilt ${bytes.length}; the rebuild is ${rebuilt})`);
  }
  if (stale.length > 0) {
    console.error(`${stale.join('\n')}\nRun \`npm run bundle\` and commit ${[...outputs.keys()].join(' and ')}.`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
