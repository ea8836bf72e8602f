// The browser shell (ARCHITECTURE.md §4): the same HostApi over HTTP + WebSocket, so the app runs on a headless
// server and Playwright can drive it in Chromium. HTTP serves the built renderer and opened recordings (GET only,
// with a CSP); the WebSocket at /ws carries `{id, request}` → `{id, ok, result | error}`, and `{subscribe: n}` /
// `{unsubscribe: n}` start and stop push stream n (`{sub: n, push}`; it opens with a snapshot: api.ts, HostMessage).
// Every HTTP request and WebSocket upgrade needs the run's token and an allowed Host (shell-access.ts), and an
// upgrade from another origin is refused (a web page in the user's browser must not drive nodes).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { UserError } from '../node-runtime/user-error.ts';
import { parseArgv } from '../node-runtime/cli/argv.ts';
import type { HostApi, HostMessage } from './host/api.ts';
import { CONTENT_SECURITY_POLICY, CROSS_ORIGIN_ISOLATION, resolveAppFile } from './host/app-files.ts';
import { findFreePort } from './host/free-ports.ts';
import { Host } from './host/host.ts';
import { RecordingFiles } from './host/recording-files.ts';
import { RequestChannel } from './host/request-channel.ts';
import { ShellAccess } from './shell-access.ts';

export const DEFAULT_SHELL_PORT = 5170;
const MAX_FRAME_BYTES = 1 << 20;
/** A client that stops reading is cut off (it reconnects and gets a snapshot) rather than buffered without end. */
const MAX_CLIENT_BACKLOG = 64 << 20;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const StreamId = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const EnvelopeSchema = v.union([
  v.object({ id: StreamId, request: v.unknown() }),
  v.object({ subscribe: StreamId }),
  v.object({ unsubscribe: StreamId }),
]);
/** Push streams one client may hold at once (a renderer needs one; resubscribing closes the old one first). */
const MAX_STREAMS = 8;

export interface BrowserShellOptions {
  readonly api: HostApi;
  readonly recordings: RecordingFiles;
  readonly rendererDir: string;
  readonly host?: string;
  readonly port?: number;
  readonly log?: (line: string) => void;
}

export interface BrowserShell {
  /** The page's URL, with the run's `?token=` (every request needs it, or the cookie the first one sets). */
  readonly url: string;
  readonly token: string;
  readonly port: number;
  /** Incoming WebSocket messages that were not JSON, not `{id, request}`, or not a valid HostRequest. */
  malformed(): number;
  close(): Promise<void>;
}

export async function startBrowserShell(opts: BrowserShellOptions): Promise<BrowserShell> {
  const bindHost = opts.host ?? '127.0.0.1';
  const port = opts.port ?? DEFAULT_SHELL_PORT;
  // Made once the port is bound (it is part of every allowed Host); no request can arrive before that.
  let access!: ShellAccess;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const channel = new RequestChannel(opts.api, log);
  let envelopeMalformed = 0;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://shell');
    const refused = access.check(req, url);
    if (refused) {
      res.writeHead(refused.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${refused.reason}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveAppFile(opts.rendererDir, opts.recordings, url.pathname);
    if (!file) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': file.contentType,
      'Content-Length': file.bytes,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      ...CROSS_ORIGIN_ISOLATION,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
      ...(url.searchParams.has('token') ? { 'Set-Cookie': access.cookie() } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = fs.createReadStream(file.file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://shell');
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    };
    if (access.check(req, url) || !access.originAllowed(req.headers.origin)) return refuse('403 Forbidden');
    if (url.pathname !== '/ws') return refuse('404 Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws));
  });

  const serveClient = (ws: WebSocket): void => {
    const send = (value: unknown): void => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_CLIENT_BACKLOG) ws.terminate();
      else ws.send(JSON.stringify(value));
    };
    const streams = new Map<number, () => void>();
    ws.on('close', () => {
      for (const stop of streams.values()) stop();
      streams.clear();
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      let json: unknown;
      try {
        json = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        json = undefined;
      }
      const envelope = v.safeParse(EnvelopeSchema, json);
      const message = envelope.success ? envelope.output : undefined;
      if (message === undefined || ('subscribe' in message && !streams.has(message.subscribe) && streams.size >= MAX_STREAMS)) {
        envelopeMalformed++;
        send({ id: null, ok: false, error: 'malformed message: expected {"id": n, "request": {...}}, {"subscribe": n} or {"unsubscribe": n}' });
      } else if ('subscribe' in message) {
        const sub = message.subscribe;
        streams.get(sub)?.();
        streams.set(sub, opts.api.subscribe((push: HostMessage) => send({ sub, push })));
      } else if ('unsubscribe' in message) {
        streams.get(message.unsubscribe)?.();
        streams.delete(message.unsubscribe);
      } else {
        void channel.answer(message.request).then((reply) => send({ id: message.id, ...reply }));
      }
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new UserError('busy', `port ${port} is busy (choose another with --port)`) : err);
    });
    server.listen({ host: bindHost, port, exclusive: true }, () => {
      access = new ShellAccess(bindHost, (server.address() as { port: number }).port);
      resolve();
    });
  });
  const bound = access.port;
  const hostPart = bindHost.includes(':') ? `[${bindHost}]` : bindHost;
  return {
    url: `http://${hostPart}:${bound}/?token=${access.token}`,
    token: access.token,
    port: bound,
    malformed: () => envelopeMalformed + channel.malformed,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The browser shell with its own host core, as `npm run serve` runs it. */
export async function serveApp(opts: {
  host?: string; port?: number; rendererDir?: string; logsDir?: string; firstNodePort?: number;
  /** A recording the user named on the command line: it may open even outside the recordings folder. */
  replay?: string;
} = {}): Promise<{ shell: BrowserShell; host: Host }> {
  const logsDir = opts.logsDir ?? path.join(ROOT, 'logs');
  const recordings = new RecordingFiles({ cwd: process.cwd(), logsDir });
  // The checkout's own recordings (logs/samples) stay openable when sessions are recorded elsewhere (--logs-dir).
  recordings.approve(path.join(ROOT, 'logs'));
  if (opts.replay !== undefined) recordings.approve(opts.replay);
  const host = new Host({ logsDir, recordings, firstNodePort: opts.firstNodePort });
  const rendererDir = opts.rendererDir ?? path.join(ROOT, 'dist', 'renderer');
  let port = opts.port;
  if (port === undefined) {
    port = await findFreePort('127.0.0.1', DEFAULT_SHELL_PORT);
    if (port === undefined) throw new UserError('state', 'no free port for the browser shell');
  }
  try {
    return { shell: await startBrowserShell({ api: host, recordings, rendererDir, host: opts.host, port }), host };
  } catch (err) {
    await host.close();
    throw err;
  }
}

const USAGE = `usage: npm run serve -- [--port N] [--host ADDR] [--logs-dir DIR] [--node-ports N]
Serves the app (dist/renderer; build it with npm run build:renderer) and its host API over HTTP + WebSocket.
  --port N        listen on N (default ${DEFAULT_SHELL_PORT}, or the first free port after it)
  --host ADDR     bind address (default 127.0.0.1); the printed URL carries the run's ?token=, which every request
                  needs (set it with HEARSAY_SHELL_TOKEN); only this address, localhost, 127.0.0.1 and [::1] are
                  accepted as Host
  --logs-dir DIR  record sessions under DIR (default logs/)
  --node-ports N  launched nodes take the first free ports from N up (default 3000)`;

function portValue(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UserError('usage', `${flag} ${text} is not a port`);
  return port;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgv(argv, {
    port: { type: 'string' }, host: { type: 'string' }, 'logs-dir': { type: 'string' }, 'node-ports': { type: 'string' },
    help: { type: 'boolean' },
  }) as {
    values: { port?: string; host?: string; 'logs-dir'?: string; 'node-ports'?: string; help?: boolean };
  };
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { shell, host } = await serveApp({
    port: portValue(values.port, '--port'), host: values.host, logsDir: values['logs-dir'] && path.resolve(values['logs-dir']),
    firstNodePort: portValue(values['node-ports'], '--node-ports'),
  });
  process.stdout.write(`hearsay browser shell: ${shell.url}\n`);
  const stop = (): void => {
    void Promise.all([shell.close(), host.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`serve: ${err instanceof UserError ? err.message : (err as Error).stack}\n`);
    process.exit(err instanceof UserError ? err.exitCode : 1);
  });
}
