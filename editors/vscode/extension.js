// The sg-lint extension: starts `sg-lint lsp` over stdio and hands it the buffers sg-lint reads. Everything else
// (diagnostics, quick fixes, hovers, watching .sg-lint.yml) is the server's.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** The configured command, else the workspace's own install, else sg-lint on the PATH. */
function serverCommand() {
  const configured = vscode.workspace.getConfiguration('sgLint').get('path');
  if (configured) return configured;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = join(folder.uri.fsPath, 'node_modules', '.bin', process.platform === 'win32' ? 'sg-lint.cmd' : 'sg-lint');
    if (existsSync(local)) return local;
  }
  return 'sg-lint';
}

function settings() {
  const c = vscode.workspace.getConfiguration('sgLint');
  return { online: c.get('online', false), debounceMs: c.get('debounceMs', 300), configFile: c.get('configFile', '') };
}

async function activate(context) {
  const command = serverCommand();
  const serverOptions = { command, args: ['lsp', '--stdio'], transport: TransportKind.stdio, options: { shell: process.platform === 'win32' } };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', pattern: '**/*.{tf,tfvars,yaml,yml,json,template,ts,tsx,js,mjs}' }],
    initializationOptions: settings(),
    synchronize: { configurationSection: 'sgLint' },
  };
  client = new LanguageClient('sgLint', 'sg-lint', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('sgLint.path')) void vscode.window.showInformationMessage('sg-lint: reload the window to use the new sgLint.path.');
    }),
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
