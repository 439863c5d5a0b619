// `sg-lint lsp`: the analyzer behind the Language Server Protocol, over stdio. Each open buffer is analyzed in its
// project context (context.ts) with the unsaved texts of every open buffer; runs are debounced, one at a time, and a
// context edited while it runs runs again afterwards.
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type Diagnostic,
  type InitializeParams,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, ConfigError, lint, type Analysis, type LintOptions } from '../api.js';
import { CONFIG_NAMES } from '../config/load.js';
import type { Finding } from '../engine/result.js';
import { kindOf } from '../discover/discover.js';
import { forgetGitTopLevels, keepGitTopLevels } from '../util/git.js';
import { ruleDoc } from '../util/package-files.js';
import { codeActions } from './actions.js';
import { ContextFinder, type AnalysisContext } from './context.js';
import { runProblem, toDiagnostic } from './diagnostics.js';
import { hoverAt } from './hover.js';
import { DEFAULT_SETTINGS, readSettings, SETTING_KEYS, type Settings } from './settings.js';

/** What the last run of a context found in one open file. */
interface Published {
  cwd: string;
  findings: Finding[];
}

interface ContextState {
  context: AnalysisContext;
  timer?: NodeJS.Timeout;
  /** Waiting in the queue for its turn: one run then reads the latest buffers, however many edits came meanwhile. */
  queued: boolean;
  running: boolean;
  again: boolean;
  /** The model of the context for hovers and fixes, with the buffer versions it was read from. */
  analysis?: { versions: string; value: Promise<Analysis | null> };
}

export function startServer(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Connection {
  // Standard output carries the protocol: anything else printed (a plugin's console.log) goes to standard error.
  for (const method of ['log', 'info', 'debug'] as const) console[method] = (...args: unknown[]) => console.error(...args);
  // With streams (rather than a reader and writer) the library also ends the process when the client closes them.
  const connection = createConnection(input, output);
  keepGitTopLevels();
  const documents = new TextDocuments(TextDocument);
  let folders: string[] = [];
  let settings: Settings = DEFAULT_SETTINGS;
  let pullsConfiguration = false;
  let watchesFiles = false;
  let followsFolders = false;
  const finder = new ContextFinder(() => folders);
  const contexts = new Map<string, ContextState>();
  const contextOfDoc = new Map<string, string>();
  const published = new Map<string, Published>();
  let queue: Promise<void> = Promise.resolve();

  const pathOf = (uri: string): string | null => (uri.startsWith('file:') ? fileURLToPath(uri) : null);
  const overlay = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const doc of documents.all()) {
      const path = pathOf(doc.uri);
      if (path) out[path] = doc.getText();
    }
    return out;
  };
  const versionsOf = (key: string) =>
    documents
      .all()
      .filter((d) => contextOfDoc.get(d.uri) === key)
      .map((d) => `${d.uri}@${d.version}`)
      .join(' ');
  const documented = (ruleId: string) => ruleDoc(ruleId) !== undefined;
  const options = (cwd: string): LintOptions => ({
    cwd,
    jobs: 1,
    overlay: overlay(),
    online: settings.online ? { enable: true } : { offline: true },
    ...(settings.configFile ? { configFile: resolve(cwd, settings.configFile) } : {}),
  });

  /** Re-reads the context of a buffer (it may change: a parent template appeared, a cdk.json was added) and schedules it. */
  const schedule = (uri: string, delay: number) => {
    const path = pathOf(uri);
    if (!path || !kindOf(basename(path)) || isConfig(uri)) return;
    const context = finder.contextOf(path, overlay());
    const previous = contextOfDoc.get(uri);
    contextOfDoc.set(uri, context.key);
    if (previous && previous !== context.key) dropIfUnused(previous);
    let state = contexts.get(context.key);
    if (!state) contexts.set(context.key, (state = { context, queued: false, running: false, again: false }));
    else state.context = context;
    later(state, delay);
  };
  const later = (state: ContextState, delay: number) => {
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      if (state.running) state.again = true;
      else if (!state.queued) {
        state.queued = true;
        queue = queue.then(() => run(state));
      }
    }, delay);
  };
  const scheduleAll = (delay: number) => {
    // Files on disk, configs or settings changed: the kept models may be out of date even where no buffer changed.
    for (const state of contexts.values()) state.analysis = undefined;
    for (const doc of documents.all()) schedule(doc.uri, delay);
  };
  const dropIfUnused = (key: string) => {
    if ([...contextOfDoc.values()].includes(key)) return;
    const state = contexts.get(key);
    if (state?.timer) clearTimeout(state.timer);
    contexts.delete(key);
  };

  const run = async (state: ContextState): Promise<void> => {
    state.queued = false;
    const { key, cwd, paths } = state.context;
    if (contexts.get(key) !== state) return;
    state.running = true;
    const docs = documents.all().filter((d) => contextOfDoc.get(d.uri) === key);
    const versions = new Map(docs.map((d) => [d.uri, d.version]));
    try {
      const result = await lint(paths, options(cwd));
      for (const e of result.errors) connection.console.info(`sg-lint: ${e.kind}: ${e.file ? `${e.file}: ` : ''}${e.message}`);
      for (const doc of docs) {
        const path = pathOf(doc.uri)!;
        const findings = result.findings.filter((f) => !f.suppressed && resolve(cwd, f.at.file) === path);
        published.set(doc.uri, { cwd, findings });
        publish(doc.uri, versions.get(doc.uri), findings.map((f) => toDiagnostic(f, cwd, documented)));
      }
    } catch (e) {
      const message = e instanceof ConfigError ? `sg-lint: ${e.message}` : `sg-lint: internal error: ${(e as Error).message ?? String(e)}`;
      connection.console.error(e instanceof ConfigError ? message : `sg-lint: internal error: ${(e as Error).stack ?? String(e)}`);
      for (const doc of docs) {
        published.set(doc.uri, { cwd, findings: [] });
        publish(doc.uri, versions.get(doc.uri), [runProblem(message)]);
      }
    } finally {
      state.running = false;
      if (state.again) {
        state.again = false;
        later(state, 0);
      }
    }
  };
  const publish = (uri: string, version: number | undefined, diagnostics: Diagnostic[]) => {
    if (!documents.get(uri)) return; // closed while it ran
    void connection.sendDiagnostics({ uri, ...(version !== undefined ? { version } : {}), diagnostics });
  };

  /** The linked model of a buffer's context (for hovers and fixes), read again only when a buffer of it changed. */
  const analysisOf = (uri: string): Promise<Analysis | null> => {
    const key = contextOfDoc.get(uri);
    const state = key ? contexts.get(key) : undefined;
    if (!state) return Promise.resolve(null);
    const versions = versionsOf(state.context.key);
    if (state.analysis?.versions !== versions) {
      const { cwd, paths } = state.context;
      state.analysis = { versions, value: analyze(paths, options(cwd)).catch(() => null) };
    }
    return state.analysis.value;
  };

  connection.onInitialize((params: InitializeParams) => {
    folders = (params.workspaceFolders ?? []).map((f) => pathOf(f.uri)).filter((p): p is string => p !== null);
    const root = params.rootUri ? pathOf(params.rootUri) : null;
    if (folders.length === 0 && root) folders = [root];
    settings = readSettings(params.initializationOptions, settings);
    pullsConfiguration = Boolean(params.capabilities.workspace?.configuration);
    watchesFiles = Boolean(params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration);
    followsFolders = Boolean(params.capabilities.workspace?.workspaceFolders);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'sg-lint' },
    };
  });

  connection.onInitialized(async () => {
    if (followsFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => pathOf(f.uri)));
        folders = [...folders.filter((f) => !removed.has(f)), ...event.added.map((f) => pathOf(f.uri)).filter((p): p is string => p !== null)];
        finder.invalidate();
        forgetGitTopLevels();
        scheduleAll(0);
      });
    }
    if (watchesFiles) {
      const globs = [...CONFIG_NAMES.map((n) => `**/${n}`), '**/*.{tf,tfvars,json,yaml,yml,template,ts,js,mjs}', '**/cdk.json'];
      await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: globs.map((globPattern) => ({ globPattern })) }).catch(() => undefined);
    }
    if (pullsConfiguration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'sgLint' }).catch(() => undefined);
      await pullSettings();
    }
  });
  const pullSettings = async () => {
    const [section] = (await connection.workspace.getConfiguration([{ section: 'sgLint' }]).catch(() => [undefined])) as unknown[];
    if (section && typeof section === 'object') settings = readSettings(section, settings);
  };

  connection.onDidChangeConfiguration(async (change) => {
    // VS Code and Neovim push `{ sgLint: { … } }`; Helix pushes the server's `config` table as it is.
    const raw = change.settings as Record<string, unknown> | null | undefined;
    const pushed = raw && typeof raw === 'object' ? (raw.sgLint ?? (SETTING_KEYS.some((k) => k in raw) ? raw : undefined)) : undefined;
    if (pushed !== undefined) settings = readSettings(pushed, settings);
    else if (pullsConfiguration) await pullSettings();
    scheduleAll(0);
  });
  connection.onDidChangeWatchedFiles(() => {
    finder.invalidate();
    forgetGitTopLevels();
    scheduleAll(settings.debounceMs);
  });
  // Fired on open too: a buffer seen for the first time is analyzed at once, edits after a pause in typing.
  documents.onDidChangeContent((e) => schedule(e.document.uri, contextOfDoc.has(e.document.uri) ? settings.debounceMs : 0));
  documents.onDidSave((e) => {
    // A saved file may be read by other buffers' contexts (a module, a parent template, a config): run them all.
    finder.invalidate();
    scheduleAll(0);
    if (isConfig(e.document.uri)) connection.console.info('sg-lint: configuration saved; open files analyzed again');
  });
  documents.onDidClose((e) => {
    const key = contextOfDoc.get(e.document.uri);
    contextOfDoc.delete(e.document.uri);
    published.delete(e.document.uri);
    if (key) dropIfUnused(key);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    // The closed buffer's unsaved text no longer stands in for the file: the contexts that read it see the disk again.
    scheduleAll(settings.debounceMs);
  });

  connection.onCodeAction(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    const path = pathOf(params.textDocument.uri);
    const last = published.get(params.textDocument.uri);
    if (!doc || !path || !last) return [];
    return codeActions({ uri: doc.uri, path, text: doc.getText(), findings: last.findings, diagnostics: params.context.diagnostics, analysis: () => analysisOf(doc.uri), cwd: last.cwd });
  });
  connection.onHover(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    const path = pathOf(params.textDocument.uri);
    if (!doc || !path) return null;
    const last = published.get(params.textDocument.uri);
    const analysis = await analysisOf(doc.uri);
    if (!analysis || !last) return null;
    return hoverAt(analysis, last.cwd, path, params.position);
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

function isConfig(uri: string): boolean {
  return CONFIG_NAMES.some((n) => uri.endsWith(`/${n}`));
}
