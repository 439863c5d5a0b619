import { parseArgs } from 'node:util';
import type { Io } from './inputs.js';

const HELP = `Usage: sg-lint lsp [--stdio]

Runs the language server (Language Server Protocol over standard input and output) that editors start: findings of
the buffers being edited, unsaved text included, analyzed with their Terraform module, nested-stack parent or CDK app;
quick fixes (an inline suppression; a rule description); hover on a security group for its effective rules. See the
README, "Editor integration", for VS Code, Neovim and Helix.

Workspace settings (section sgLint): online (default false: the online pass never runs from the editor otherwise),
debounceMs (default 300), configFile (one config for every file, as -c).`;

/** Serves until the client closes the connection; returns only for --help or a usage error. */
export async function lspCommand(argv: string[], io: Io): Promise<number> {
  let help = false;
  try {
    // --stdio is what clients such as vscode-languageclient pass; stdio is the only transport.
    help = Boolean(parseArgs({ args: argv, strict: true, options: { stdio: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values.help);
  } catch (e) {
    io.stderr.write(`sg-lint lsp: ${(e as Error).message}\nRun sg-lint lsp --help for usage.\n`);
    return 2;
  }
  if (help) return io.stdout.write(HELP + '\n'), 0;
  const { startServer } = await import('../lsp/server.js');
  const connection = startServer();
  await new Promise<void>((done) => connection.onExit(() => done()));
  return 0;
}
