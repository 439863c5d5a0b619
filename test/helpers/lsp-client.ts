// A language client for tests: spawns the built `sg-lint lsp` and talks JSON-RPC to it over stdio with the protocol
// package's own connection. Waits are generous and event-driven (no timing assertions): a loaded two-core machine may
// take seconds for the first analysis.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Diagnostic,
  type Hover,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type RegistrationParams,
  type Range,
} from 'vscode-languageserver-protocol/node';
import { ROOT } from './built.js';
import { plainEnv } from './workspace.js';

/** How long a test waits for the server to answer (the first analysis loads the parsers). */
export const LSP_WAIT_MS = 60_000;

export interface LspSession {
  connection: ProtocolConnection;
  child: ChildProcess;
  stderr: () => string;
  /** Registrations the server asked for (method names). */
  registrations: string[];
  uri(relative: string): string;
  open(relative: string, text: string, languageId?: string): Promise<void>;
  change(relative: string, text: string): Promise<void>;
  save(relative: string): Promise<void>;
  close(relative: string): Promise<void>;
  filesChanged(relatives: string[]): Promise<void>;
  /** workspace/didChangeConfiguration with these settings. */
  configure(settings: unknown): Promise<void>;
  /** The next diagnostics published for the file, at or after its current version, that satisfy `accept`. */
  diagnostics(relative: string, accept?: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]>;
  codeActions(relative: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]>;
  hover(relative: string, line: number, character: number): Promise<Hover | null>;
  stop(): Promise<void>;
}

export async function startLsp(root: string, initializationOptions: Record<string, unknown> = {}): Promise<LspSession> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'bin.js'), 'lsp', '--stdio'], { cwd: root, env: plainEnv() as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const versions = new Map<string, number>();
  const published: PublishDiagnosticsParams[] = [];
  const waiters = new Set<() => void>();
  const registrations: string[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
    for (const w of [...waiters]) w();
  });
  connection.onRequest(RegistrationRequest.method, (p: RegistrationParams) => {
    registrations.push(...p.registrations.map((r) => r.method));
    return null;
  });
  connection.listen();
  const uri = (relative: string) => pathToFileURL(join(root, relative)).href;
  const languageOf = (relative: string) => (/\.(tf|tfvars)$/.test(relative) ? 'terraform' : /\.ts$/.test(relative) ? 'typescript' : /\.json$/.test(relative) ? 'json' : 'yaml');

  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(root).href,
    workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'test' }],
    capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } }, textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } } },
    initializationOptions,
  });
  await connection.sendNotification(InitializedNotification.type, {});

  return {
    connection,
    child,
    stderr: () => stderr,
    registrations,
    uri,
    async open(relative, text, languageId) {
      versions.set(relative, 1);
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(relative), languageId: languageId ?? languageOf(relative), version: 1, text } });
    },
    async change(relative, text) {
      const version = (versions.get(relative) ?? 1) + 1;
      versions.set(relative, version);
      await connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uri(relative), version }, contentChanges: [{ text }] });
    },
    async save(relative) {
      await connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: uri(relative) } });
    },
    async close(relative) {
      await connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uri(relative) } });
    },
    async configure(settings) {
      await connection.sendNotification(DidChangeConfigurationNotification.method, { settings });
    },
    async filesChanged(relatives) {
      await connection.sendNotification(DidChangeWatchedFilesNotification.method, { changes: relatives.map((r) => ({ uri: uri(r), type: FileChangeType.Changed })) });
    },
    diagnostics(relative, accept = () => true) {
      const target = uri(relative);
      const version = versions.get(relative);
      const seen = published.length;
      return new Promise((done, fail) => {
        const check = () => {
          // Only what arrives from now on, for the current version: an older analysis may still be on its way.
          const hit = published.slice(seen).find((p) => p.uri === target && (p.version === undefined || version === undefined || p.version >= version) && accept(p.diagnostics));
          if (!hit) return;
          clearTimeout(timer);
          waiters.delete(check);
          done(hit.diagnostics);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          fail(new Error(`no matching diagnostics for ${relative} (version ${version}) within ${LSP_WAIT_MS} ms; got ${JSON.stringify(published.filter((p) => p.uri === target).map((p) => [p.version, p.diagnostics.map((d) => d.code)]))}\nserver stderr:\n${stderr}`));
        }, LSP_WAIT_MS);
        waiters.add(check);
      });
    },
    codeActions(relative, range, diagnostics) {
      return connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: uri(relative) }, range, context: { diagnostics } }) as Promise<CodeAction[]>;
    },
    hover(relative, line, character) {
      return connection.sendRequest(HoverRequest.type, { textDocument: { uri: uri(relative) }, position: { line, character } });
    },
    async stop() {
      const exited = new Promise<void>((done) => (child.exitCode !== null ? done() : child.once('exit', () => done())));
      try {
        await connection.sendRequest(ShutdownRequest.type);
        await connection.sendNotification(ExitNotification.type);
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
      if (child.exitCode === null) child.kill();
      connection.dispose();
    },
  };
}

/** Applies LSP text edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const offset = (p: { line: number; character: number }) => {
    const lines = text.split('\n');
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i]!.length + 1;
    return o + p.character;
  };
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}
