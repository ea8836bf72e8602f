// `npm start`: the app on an 8-node local cluster. Electron when its binary is available; otherwise the browser
// shell, opening Chromium in app mode when there is a display and printing the URL when not. It says which and why.
// Ctrl-C stops everything: the shell, the cluster (no orphan nodes) and the window.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../node-runtime/user-error.ts';
import { APP_USAGE, parseAppArgs } from '../electron/host/app-args.ts';
import type { AppArgs } from '../electron/host/app-args.ts';
import { serveApp } from '../electron/serve.ts';
import { RecordingFiles } from '../electron/host/recording-files.ts';
import { findElectron } from './electron-binary.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RENDERER_INDEX = path.join(ROOT, 'dist', 'renderer', 'index.html');
/** What the renderer bundle is built from: a change to any of these makes dist/renderer stale. */
const RENDERER_SOURCES = ['renderer', 'vite.config.ts', 'electron/host/api.ts', 'node-runtime/protocol'];
const CHROMIUM = ['chromium', 'chromium-browser', 'google-chrome'];

const say = (line: string): void => { process.stdout.write(`hearsay: ${line}\n`); };

function newestMtime(target: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function ensureRenderer(): void {
  const built = newestMtime(RENDERER_INDEX);
  const sources = Math.max(...RENDERER_SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (built > 0 && built >= sources) return;
  say(built === 0 ? 'building the renderer (dist/renderer is missing)…' : 'rebuilding the renderer (sources changed)…');
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: ROOT, stdio: 'inherit' });
  if (run.status !== 0) throw new UserError('usage', 'the renderer build failed (npm run build:renderer shows why)');
}

function findChromium(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of CHROMIUM) {
      const candidate = path.join(dir, name);
      try {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      } catch { /* not here */ }
    }
  }
  return undefined;
}

function onInterrupt(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (): void => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

function forwardArgs(args: AppArgs): string[] {
  return ['--nodes', String(args.nodes), '--mode', args.mode, '--preset', args.preset, '--protocol', args.protocol, ...(args.replay ? ['--replay', path.resolve(args.replay)] : []),
    ...(args.nodePorts === undefined ? [] : ['--node-ports', String(args.nodePorts)])];
}

async function runElectron(binary: string, args: AppArgs): Promise<void> {
  const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/build-electron.ts'],
    { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new UserError('usage', 'bundling the Electron shell failed (npm run build:electron shows why)');
  const child = spawn(binary, [path.join(ROOT, 'dist', 'electron', 'main.mjs'), ...forwardArgs(args)], { cwd: ROOT, stdio: 'inherit' });
  // Electron stops its cluster on quit; Ctrl-C reaches it through the terminal's process group as well.
  onInterrupt(async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  process.exit(code);
}

async function runBrowserShell(args: AppArgs): Promise<void> {
  const { shell, host } = await serveApp({ port: args.port, firstNodePort: args.nodePorts, replay: args.replay });
  const url = new URL(shell.url);
  if (args.replay) url.searchParams.set('replay', path.resolve(args.replay));
  let browser: ChildProcess | undefined;
  let profile: string | undefined;
  onInterrupt(async () => {
    browser?.kill('SIGTERM');
    await Promise.all([shell.close(), host.close()]);
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });
  say(`browser shell at ${url.href}`);
  const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  const chromium = findChromium();
  if (!args.open) say('not opening a window (--no-open): open the URL above in a browser');
  else if (!display) say('no display (DISPLAY is not set): open the URL above in a browser');
  else if (!chromium) say('no Chromium found on PATH: open the URL above in a browser');
  else {
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-chromium-'));
    // A throwaway profile, nothing phoning home; Chromium refuses its sandbox as root, so only then go without it.
    const flags = [`--app=${url.href}`, `--user-data-dir=${profile}`, '--no-first-run', '--no-default-browser-check',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
    browser = spawn(chromium, flags, { stdio: 'ignore' });
    browser.on('error', (err) => say(`could not open Chromium (${err.message}): open the URL above in a browser`));
    say(`opened Chromium in app mode (${chromium})`);
  }
  if (args.replay) {
    say(`replaying ${args.replay} (no cluster launched)`);
  } else if (args.nodes > 0) {
    say(`launching ${args.nodes} ${args.mode} nodes…`);
    const { session, nodes } = await host.request({
      type: 'launch', options: { nodes: args.nodes, mode: args.mode, preset: args.preset, protocol: args.protocol, suspicion: true, dropRate: 0 },
    });
    say(`${nodes.length} nodes running from ${nodes[0]?.address ?? '?'}; recording to logs/${session}/`);
  }
  say('Ctrl-C stops the app and every node');
}

async function main(): Promise<void> {
  const args = parseAppArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${APP_USAGE}\n`);
    return;
  }
  // A bad --replay path is the user's mistake: say so here, not later as a toast in a page nobody may be looking at.
  if (args.replay) {
    const files = new RecordingFiles({ cwd: process.cwd(), logsDir: path.join(ROOT, 'logs') });
    files.approve(args.replay);
    files.open(args.replay);
  }
  ensureRenderer();
  const electron = findElectron();
  if ('binary' in electron) {
    say(`shell: Electron, found through ${electron.how}`);
    await runElectron(electron.binary, args);
  } else {
    say(`shell: browser, because ${electron.why} (set ELECTRON_PATH to use Electron)`);
    await runBrowserShell(args);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`hearsay: ${err instanceof UserError ? err.message : (err as Error).stack}\n`);
  process.exit(err instanceof UserError ? err.exitCode : 1);
});
