import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import {
  CodeActionKind,
  createConnection,
  DiagnosticSeverity,
  DiagnosticTag,
  DidChangeWatchedFilesNotification,
  MessageType,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeParams,
  type InitializeResult,
  type TextDocumentContentChangeEvent,
  type TextEdit as LspTextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { VERSION } from '../cli/version.js';
import type { Diagnostic } from '../diagnostics.js';
import { UNUSED_SUPPRESSION } from '../engine/suppressions.js';
import { addIgnoreComments } from '../fix/add-ignore.js';
import type { Rule } from '../rules/types.js';
import { ruleDocsUrl } from './docs-url.js';
import { LineIndex, type PositionEncoding } from './positions.js';
import { Workspace, type FileAnalysis } from './workspace.js';

export const SOURCE = 'modal-lint';
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.modal-lint`;
/** Edits closer together than this are analysed once, after the last (milliseconds). */
export const DEFAULT_DEBOUNCE_MS = 10;

export interface ServerOptions {
  /** Folder used when the client names no workspace folder. */
  cwd: string;
  /** The rules to run (default: the built-in set); an embedding tool may bring its own. */
  rules?: readonly Rule[];
}

/** Settings a client may pass as `initializationOptions`. */
interface InitializationOptions {
  /** A config file to use for every file, instead of the nearest one above each file. */
  configPath?: string;
  /** Wait this long after an edit before analysing (default 10 ms). */
  debounceMs?: number;
}

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** What a published diagnostic stands for, to answer code action requests from the same analysis. */
interface Published {
  version: number;
  analysis: FileAnalysis;
  lines: LineIndex;
  diagnostics: LspDiagnostic[];
}

/** The position encoding to use: UTF-8 when the client offers it (LSP 3.17, or the older `offsetEncoding` extension). */
function negotiateEncoding(params: InitializeParams): { encoding: PositionEncoding; viaExtension: boolean } {
  const offered = params.capabilities.general?.positionEncodings;
  if (offered?.includes('utf-8')) return { encoding: 'utf-8', viaExtension: false };
  const legacy = (params.capabilities as { offsetEncoding?: string[] }).offsetEncoding;
  if (!offered && legacy?.includes('utf-8')) return { encoding: 'utf-8', viaExtension: true };
  return { encoding: 'utf-16', viaExtension: false };
}

function kindMatches(kind: string, only: string[] | undefined): boolean {
  return !only || only.some((wanted) => kind === wanted || kind.startsWith(`${wanted}.`));
}

/** A path for a document: its file, or for an unsaved new buffer (`untitled:`) a path under the workspace. */
function pathOfUri(uri: string, root: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      // Not a local file URI: fall through.
    }
  }
  const name = uri.replace(/^[a-z][\w+.-]*:/i, '').replace(/[^\w.-]+/g, '_') || 'untitled';
  return path.join(root, '.modal-lint-untitled', name.endsWith('.py') ? name : `${name}.py`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Wires the language server onto a connection. */
export function startServer(connection: Connection, options: ServerOptions): void {
  let encoding: PositionEncoding = 'utf-16';
  let workspace: Workspace | undefined;
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  const uriByPath = new Map<string, string>();
  const published = new Map<string, Published>();
  const shownNotices = new Set<string>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const documents = new TextDocuments<TextDocument>({
    create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, content),
    update: (document, changes, version) => {
      if (encoding === 'utf-16') return TextDocument.update(document, changes, version);
      // The library counts UTF-16 units; with UTF-8 positions each range is translated first,
      // against the text as the previous change of the batch left it.
      let current = document;
      for (const change of changes) {
        if (!('range' in change)) {
          current = TextDocument.update(current, [change], version);
          continue;
        }
        const lines = new LineIndex(current.getText());
        const translated: TextDocumentContentChangeEvent = {
          text: change.text,
          range: {
            start: current.positionAt(lines.offsetAt(change.range.start, 'utf-8')),
            end: current.positionAt(lines.offsetAt(change.range.end, 'utf-8')),
          },
        };
        current = TextDocument.update(current, [translated], version);
      }
      return current;
    },
  });

  const notify = (type: MessageType, message: string): void => {
    void connection.sendNotification('window/showMessage', { type, message: `modal-lint: ${message}` });
  };

  /** Rule failures and other notices are shown once each, then only logged: typing must not bring a flood. */
  const reportNotices = (filePath: string, notices: string[]): void => {
    for (const notice of notices) {
      const line = `${path.relative(workspace?.root ?? options.cwd, filePath) || filePath}: ${notice}`;
      connection.console.warn(line);
      if (shownNotices.has(notice)) continue;
      shownNotices.add(notice);
      notify(MessageType.Warning, line);
    }
  };

  const toLspDiagnostic = (diagnostic: Diagnostic, lines: LineIndex, index: number): LspDiagnostic => {
    const result: LspDiagnostic = {
      range: lines.rangeOf(diagnostic.range, encoding),
      severity: SEVERITY[diagnostic.severity],
      code: diagnostic.ruleId,
      codeDescription: { href: ruleDocsUrl(diagnostic.ruleId) },
      source: SOURCE,
      message: diagnostic.message,
      data: { index },
    };
    if (diagnostic.ruleId === UNUSED_SUPPRESSION.id) result.tags = [DiagnosticTag.Unnecessary];
    return result;
  };

  /** Analyses an open document and publishes its findings (for the version analysed). */
  const analyseAndPublish = (filePath: string): Published | undefined => {
    const uri = uriByPath.get(filePath);
    const document = uri ? documents.get(uri) : undefined;
    if (!uri || !document || !workspace) return undefined;
    const analysis = workspace.analyse(filePath);
    const lines = new LineIndex(analysis.text);
    const diagnostics = analysis.diagnostics.map((diagnostic, index) => toLspDiagnostic(diagnostic, lines, index));
    const entry: Published = { version: document.version, analysis, lines, diagnostics };
    const previous = published.get(uri);
    published.set(uri, entry);
    reportNotices(filePath, analysis.notices);
    // An unchanged analysis of an unchanged buffer is not sent again.
    if (previous?.analysis !== analysis || previous.version !== entry.version) {
      void connection.sendDiagnostics({ uri, version: document.version, diagnostics });
    }
    return entry;
  };

  const runPending = (): void => {
    timer = undefined;
    if (!workspace) return;
    try {
      for (const filePath of refresh(() => workspace!.refreshFromDisk())) pending.add(filePath);
    } catch (error) {
      connection.console.error(`checking files on disk failed: ${describe(error)}`);
    }
    const paths = [...pending];
    pending.clear();
    for (const filePath of paths) {
      try {
        analyseAndPublish(filePath);
      } catch (error) {
        // Never let one file take the server down: say so and keep serving.
        connection.console.error(`analysis of ${filePath} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        notify(MessageType.Error, `internal error while analysing ${path.basename(filePath)}: ${describe(error)}; please report it`);
      }
    }
    // Opening a file may meet a nested config that does not load.
    reportConfigErrors(workspace);
  };

  const schedule = (paths: Iterable<string>, delay = debounceMs): void => {
    for (const filePath of paths) pending.add(filePath);
    if (pending.size === 0) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(runPending, delay);
  };

  let shownConfigErrors = new Set<string>();
  /**
   * A config that does not load is said once; the files it governs keep their previous settings
   * (or get the defaults). Said again if it breaks again after loading.
   */
  const reportConfigErrors = (ws: Workspace): void => {
    const current = new Set<string>();
    const names = (files: string[]): string => files.map((file) => path.relative(ws.root, file) || '.').join(', ');
    for (const { error, keptPrevious, usingDefaults } of ws.configProblems) {
      current.add(error.message);
      if (shownConfigErrors.has(error.message)) continue;
      // The workspace folder alone stands for the whole workspace, as when every file has one config.
      const governed = (files: string[]): string => (files.length === 0 || (files.length === 1 && files[0] === ws.root) ? '' : ` for ${names(files.filter((file) => file !== ws.root))}`);
      const parts = [
        ...(keptPrevious.length > 0 ? [`keeping the previous settings${governed(keptPrevious)}`] : []),
        ...(usingDefaults.length > 0 ? [`using the default settings${governed(usingDefaults)}`] : []),
      ];
      notify(MessageType.Error, `config error: ${error.message}; ${parts.join('; ')}`);
    }
    shownConfigErrors = current;
  };

  /** Runs a workspace change that may reload the config, and reports a config that does not load. */
  const refresh = (change: () => string[]): string[] => {
    const ws = workspace;
    const paths = change();
    if (ws) reportConfigErrors(ws);
    return paths;
  };

  connection.onInitialize((params): InitializeResult => {
    const negotiated = negotiateEncoding(params);
    encoding = negotiated.encoding;
    const initOptions = (params.initializationOptions ?? {}) as InitializationOptions;
    if (typeof initOptions.debounceMs === 'number' && initOptions.debounceMs >= 0) debounceMs = initOptions.debounceMs;
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const root = folder?.startsWith('file:') ? fileURLToPath(folder) : (params.rootPath ?? options.cwd);
    clientWatchesFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    workspacePromise = Workspace.create({ root, configPath: initOptions.configPath, rules: options.rules });
    const result: InitializeResult & { offsetEncoding?: string } = {
      capabilities: {
        positionEncoding: negotiated.viaExtension ? undefined : encoding,
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      },
      serverInfo: { name: 'modal-lint', version: VERSION },
    };
    if (negotiated.viaExtension) result.offsetEncoding = encoding;
    return result;
  });

  let workspacePromise: Promise<Workspace> | undefined;
  let clientWatchesFiles = false;
  const ready = async (): Promise<Workspace | undefined> => {
    if (!workspace && workspacePromise) workspace = await workspacePromise;
    return workspace;
  };

  connection.onInitialized(() => {
    void ready().then((ws) => {
      if (ws) reportConfigErrors(ws);
      if (!clientWatchesFiles) return;
      // Config and requirements files, and modules the open files import.
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.py' }, { globPattern: '**/{.modal-lint.toml,modal-lint.toml,pyproject.toml}' }, { globPattern: '**/*requirements*.txt' }],
      });
    });
  });

  documents.onDidOpen(async (event) => {
    const ws = await ready();
    if (!ws) return;
    const filePath = pathOfUri(event.document.uri, ws.root);
    uriByPath.set(filePath, event.document.uri);
    schedule(ws.setBuffer(filePath, event.document.getText()), 0);
  });

  documents.onDidChangeContent(async (event) => {
    const ws = await ready();
    if (!ws) return;
    const filePath = pathOfUri(event.document.uri, ws.root);
    if (!uriByPath.has(filePath)) return; // The open event schedules the first analysis.
    schedule(ws.setBuffer(filePath, event.document.getText()));
  });

  documents.onDidClose(async (event) => {
    const ws = await ready();
    if (!ws) return;
    const filePath = pathOfUri(event.document.uri, ws.root);
    uriByPath.delete(filePath);
    pending.delete(filePath);
    published.delete(event.document.uri);
    void connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
    schedule(ws.closeBuffer(filePath));
  });

  documents.onDidSave(async (event) => {
    const ws = await ready();
    if (!ws) return;
    schedule(refresh(() => ws.filesChangedOnDisk([pathOfUri(event.document.uri, ws.root)])));
  });

  connection.onDidChangeWatchedFiles(async (params) => {
    const ws = await ready();
    if (!ws) return;
    const paths = params.changes.filter((change) => change.uri.startsWith('file:')).map((change) => fileURLToPath(change.uri));
    if (paths.length > 0) schedule(refresh(() => ws.filesChangedOnDisk(paths)));
  });

  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const ws = await ready();
    const document = documents.get(params.textDocument.uri);
    if (!ws || !document) return [];
    const filePath = pathOfUri(document.uri, ws.root);
    let entry = published.get(document.uri);
    if (!entry || entry.version !== document.version || pending.has(filePath)) {
      // An edit is waiting for its analysis: answer from the text as it is now.
      pending.delete(filePath);
      entry = analyseAndPublish(filePath);
    }
    if (!entry) return [];
    const { analysis, lines } = entry;
    const requestStart = lines.offsetAt(params.range.start, encoding);
    const requestEnd = lines.offsetAt(params.range.end, encoding);
    const only = params.context.only;
    const actions: CodeAction[] = [];
    const editOf = (edits: Array<{ start: number; end: number; text: string }>): { changes: Record<string, LspTextEdit[]> } => ({
      changes: { [document.uri]: edits.map((edit) => ({ range: { start: lines.positionAt(edit.start, encoding), end: lines.positionAt(edit.end, encoding) }, newText: edit.text })) },
    });

    if (kindMatches(CodeActionKind.QuickFix, only)) {
      for (const [index, diagnostic] of analysis.diagnostics.entries()) {
        const start = lines.offsetOfEnginePosition(diagnostic.range.start.line, diagnostic.range.start.column);
        const end = lines.offsetOfEnginePosition(diagnostic.range.end.line, diagnostic.range.end.column);
        // The diagnostic touches the requested range (a cursor inside it, or at either end).
        if (end < requestStart || start > requestEnd) continue;
        const lspDiagnostic = entry.diagnostics[index]!;
        if (diagnostic.fix) {
          const safe = diagnostic.fix.safety === 'safe';
          actions.push({
            title: safe ? diagnostic.fix.title : `${diagnostic.fix.title} (unsafe fix: check the change)`,
            kind: CodeActionKind.QuickFix,
            diagnostics: [lspDiagnostic],
            isPreferred: safe,
            edit: editOf(diagnostic.fix.edits),
          });
        }
        if (diagnostic.ruleId !== UNUSED_SUPPRESSION.id) {
          const ignore = await addIgnoreComments(analysis.text, [diagnostic]);
          if (ignore.edits.length > 0) {
            actions.push({ title: `Ignore \`${diagnostic.ruleId}\` on this line`, kind: CodeActionKind.QuickFix, diagnostics: [lspDiagnostic], edit: editOf(ignore.edits) });
          }
        }
      }
    }

    if (kindMatches(FIX_ALL_KIND, only) && analysis.diagnostics.some((diagnostic) => diagnostic.fix?.safety === 'safe')) {
      const fixed = await ws.fixAll(filePath);
      if (fixed.fixCount > 0 && fixed.original === analysis.text && fixed.text !== analysis.text) {
        actions.push({ title: 'Fix all safely fixable modal-lint problems', kind: FIX_ALL_KIND, edit: editOf([minimalEdit(analysis.text, fixed.text)]) });
      }
    }
    return actions;
  });

  connection.onShutdown(() => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    pending.clear();
  });

  documents.listen(connection);
  connection.listen();
}

/** One edit that turns `before` into `after`: the span between their common prefix and suffix. */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } {
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}

/** `modal-lint server`: the protocol over standard input and output, until `exit` or until the client goes away. */
export function runServerOverStdio(cwd: string): Promise<number> {
  // Standard output carries the protocol: anything a library prints goes to standard error.
  const toStderr = (...args: unknown[]): void => void process.stderr.write(`${format(...args)}\n`);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  process.on('uncaughtException', (error) => {
    // A bug must not end the session: log it and keep serving the other requests.
    process.stderr.write(`modal-lint server: internal error: ${error.stack ?? error.message}\n`);
  });
  startServer(connection, { cwd });
  // The connection ends the process on `exit` (code 0 after `shutdown`, 1 otherwise) or when standard input closes.
  return new Promise<number>(() => {});
}
