// The Electron shell (ARCHITECTURE.md §4): one BrowserWindow — contextIsolation, sandbox, no nodeIntegration, a CSP
// — showing the renderer through the `hearsay://app/` protocol (never file://), with the host core in this process.
// IPC goes through the channels of ipc-channels.ts only; every sender must be the top frame of an app page and every
// request passes the same valibot schema as the browser shell's WebSocket (VS Code's validatedIpcMain).
// Bundled to dist/electron/main.mjs by `npm run build:electron` (Electron runs JS, not TypeScript).
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, ipcMain, protocol, session } from 'electron';
import type { IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { UserError } from '../node-runtime/user-error.ts';
import { APP_USAGE, parseAppArgs } from './host/app-args.ts';
import { CONTENT_SECURITY_POLICY, CROSS_ORIGIN_ISOLATION, resolveAppFile } from './host/app-files.ts';
import { Host } from './host/host.ts';
import { RecordingFiles } from './host/recording-files.ts';
import { RequestChannel } from './host/request-channel.ts';
import { APP_ORIGIN, APP_SCHEME, IPC } from './ipc-channels.ts';

/** dist/electron/main.mjs → the checkout (or the packaged app's resources/app). */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

function fail(message: string): never {
  process.stderr.write(`hearsay: ${message}\n`);
  app.exit(2);
  throw new UserError('usage', message);
}

let args: ReturnType<typeof parseAppArgs>;
try {
  args = parseAppArgs(process.argv.slice(app.isPackaged ? 1 : 2), { strict: false });
} catch (err) {
  fail(err instanceof UserError ? err.message : String(err));
}
if (args.help) {
  process.stdout.write(`${APP_USAGE}\n`);
  app.exit(0);
}

const logsDir = process.env.HEARSAY_LOGS ?? path.join(app.isPackaged ? app.getPath('userData') : ROOT, 'logs');
const recordings = new RecordingFiles({ cwd: process.cwd(), logsDir });
// The user named it on the command line: it may open even outside the recordings folder.
if (args.replay !== undefined) recordings.approve(args.replay);
const host = new Host({ logsDir, recordings, firstNodePort: args.nodePorts });
const channel = new RequestChannel(host, (line) => process.stderr.write(`${line}\n`));

/** Only the top frame of a page served by the app protocol may use the API (not an iframe, not a navigated-away page). */
function trusted(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  try {
    return new URL(frame.url).origin === APP_ORIGIN;
  } catch {
    return false;
  }
}

function serveAppProtocol(): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const file = url.host === 'app' && request.method === 'GET'
      ? resolveAppFile(RENDERER_DIR, recordings, url.pathname)
      : undefined;
    if (!file) return new Response('not found', { status: 404 });
    const body = Readable.toWeb(fs.createReadStream(file.file)) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        'Content-Type': file.contentType,
        'Content-Length': String(file.bytes),
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
        ...CROSS_ORIGIN_ISOLATION,
        'X-Content-Type-Options': 'nosniff',
      },
    });
  });
}

/** One push stream per (window, subscription id); closed with the window or on the renderer's word. */
const streams = new Map<WebContents, Map<number, () => void>>();

function serveIpc(): void {
  ipcMain.handle(IPC.request, (event, payload: unknown) => {
    if (!trusted(event)) return { ok: false, error: 'forbidden sender' };
    return channel.answer(payload);
  });
  ipcMain.on(IPC.subscribe, (event, sub: unknown) => {
    if (!trusted(event) || !Number.isSafeInteger(sub)) return;
    const contents = event.sender;
    let subs = streams.get(contents);
    if (!subs) {
      const created = new Map<number, () => void>();
      subs = created;
      streams.set(contents, created);
      contents.once('destroyed', () => {
        for (const stop of created.values()) stop();
        streams.delete(contents);
      });
    }
    subs.get(sub as number)?.();
    subs.set(sub as number, host.subscribe((message) => {
      if (!contents.isDestroyed()) contents.send(IPC.push, { sub, message });
    }));
  });
  ipcMain.on(IPC.unsubscribe, (event, sub: unknown) => {
    if (!trusted(event) || !Number.isSafeInteger(sub)) return;
    const subs = streams.get(event.sender);
    subs?.get(sub as number)?.();
    subs?.delete(sub as number);
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'hearsay',
    backgroundColor: '#101418',
    webPreferences: {
      preload: path.join(ROOT, 'dist', 'electron', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      // Middle-click would open links in a new window outside will-navigate's check (Electron security checklist).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  // The window shows the app and nothing else: no navigation away, no pop-ups.
  win.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const query = args.replay === undefined ? '' : `?replay=${encodeURIComponent(path.resolve(args.replay))}`;
  void win.loadURL(`${APP_ORIGIN}/index.html${query}`);
  return win;
}

app.whenReady().then(async () => {
  // The app needs no permission (camera, notifications, clipboard, HID…): every request and every check says no,
  // so a feature that only checks (without requesting) is refused too.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
  serveAppProtocol();
  serveIpc();
  createWindow();
  process.stdout.write(`hearsay: Electron shell, renderer at ${APP_ORIGIN}/\n`);
  if (args.nodes > 0 && args.replay === undefined) {
    await host.request({ type: 'launch', options: { nodes: args.nodes, mode: args.mode, preset: args.preset, protocol: args.protocol, suspicion: true, dropRate: 0 } })
      .catch((err: Error) => process.stderr.write(`hearsay: launch failed: ${err.message}\n`));
  }
}, (err: Error) => fail(err.message));

app.on('window-all-closed', () => app.quit());

// No page of the app embeds a <webview>; refuse one outright rather than trust its options.
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

let closing = false;
app.on('before-quit', (event) => {
  if (closing) return;
  closing = true;
  event.preventDefault();
  void host.close().finally(() => app.quit());
});
