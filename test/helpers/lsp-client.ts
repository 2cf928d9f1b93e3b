import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cleanEnv } from './run-cli.js';

/**
 * A minimal JSON-RPC client speaking the Language Server Protocol's framing
 * (`Content-Length` headers) over a child process's standard input and output.
 */
export interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}

export class LspClient {
  readonly process: ChildProcessWithoutNullStreams;
  readonly messages: Message[] = [];
  stderr = '';
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private waiters: Array<{ test: (message: Message) => boolean; resolve: (message: Message) => void }> = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(command: string, args: string[], cwd: string) {
    this.process = spawn(command, args, { cwd, env: cleanEnv() });
    this.process.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.process.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve({ code, signal })));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString())?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8')) as Message;
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.messages.push(message);
      // The server asks the client things (registerCapability): answer so it is not left waiting.
      if (message.method && message.id !== undefined) this.send({ jsonrpc: '2.0', id: message.id, result: null });
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.test(message)) return true;
        waiter.resolve(message);
        return false;
      });
    }
  }

  /** Writes raw bytes (for malformed-input tests). */
  writeRaw(bytes: string | Buffer): void {
    this.process.stdin.write(bytes);
  }

  send(message: Message): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.process.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }

  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  async request(method: string, params: unknown, timeoutMs = 30_000): Promise<Message> {
    const id = this.nextId++;
    const reply = this.waitFor((message) => message.id === id && message.method === undefined, timeoutMs, `reply to ${method}`);
    this.send({ jsonrpc: '2.0', id, method, params });
    return reply;
  }

  /** The first message from now on (or already received after `since`) that passes `test`. */
  waitFor(test: (message: Message) => boolean, timeoutMs = 30_000, what = 'message', since = this.messages.length): Promise<Message> {
    const earlier = this.messages.slice(since).find(test);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stderr:\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ test, resolve: (message) => (clearTimeout(timer), resolve(message)) });
    });
  }

  /** How many messages have arrived: pass it as `since` to wait for one that comes after this point. */
  mark(): number {
    return this.messages.length;
  }

  /** The first `publishDiagnostics` for a document after `since` (optionally for a given version). */
  /**
   * The first diagnostics published for a document after `since` (of a version, and matching `where`
   * when given: a republish from earlier work may arrive first, before the one the test waits for).
   */
  diagnostics(uri: string, options: { since: number; version?: number; timeoutMs?: number; where?: (diagnostics: any[]) => boolean }): Promise<any[]> {
    return this.waitFor(
      (message) => message.method === 'textDocument/publishDiagnostics' && message.params.uri === uri && (options.version === undefined || message.params.version === options.version)
        && (options.where === undefined || options.where(message.params.diagnostics)),
      options.timeoutMs ?? 30_000,
      `diagnostics for ${uri}${options.version === undefined ? '' : ` version ${options.version}`}`,
      options.since,
    ).then((message) => message.params.diagnostics as any[]);
  }

  kill(): void {
    if (this.process.exitCode === null) this.process.kill('SIGKILL');
  }
}
