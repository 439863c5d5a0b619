// Preloaded with `node --require`: when the process exits, writes the CommonJS modules it loaded (one absolute path a
// line) to the file SG_LINT_LOADED_MODULES names. CommonJS packages imported from ES modules are listed too.
const { writeFileSync } = require('node:fs');

process.on('exit', () => writeFileSync(process.env.SG_LINT_LOADED_MODULES, Object.keys(require.cache).join('\n')));
