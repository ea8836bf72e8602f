// The browser shell on loopback (port 23300): static files with a CSP and no way out of dist/renderer, recording
// files by token, the WebSocket protocol — requests answered, malformed frames counted and answered — and who may
// use it: the run's token on every request (or its cookie), allowed Hosts only, foreign origins and DNS rebinding
// refused.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import http from 'node:http';
import WebSocket from 'ws';
import { Host } from './host/host.ts';
import { RecordingFiles } from './host/recording-files.ts';
import { startBrowserShell } from './serve.ts';
import type { BrowserShell } from './serve.ts';

const PORT = 23300;
const BASE = `http://127.0.0.1:${PORT}`;
// A known token (as e2e sets it), still required on every request.
const TOKEN = 'test-token-0123456789abcdef';
process.env.HEARSAY_SHELL_TOKEN = TOKEN;
const withToken = (p: string): string => `${BASE}${p}${p.includes('?') ? '&' : '?'}token=${TOKEN}`;

/** A raw GET with the headers a browser after DNS rebinding would send (fetch may not set Host). */
function rawGet(pathAndQuery: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: PORT, path: pathAndQuery, headers }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject);
  });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-serve-'));
const rendererDir = path.join(tmp, 'renderer');
const logsDir = path.join(tmp, 'logs');
fs.mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'export {};');
fs.writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
fs.mkdirSync(path.join(logsDir, 'run-1', '127.0.0.1_3000'), { recursive: true });
fs.writeFileSync(path.join(logsDir, 'run-1', '127.0.0.1_3000', '127.0.0.1_3000.jsonl'), '{"ts":1}\n');
fs.writeFileSync(path.join(logsDir, 'run-1', 'actions.jsonl'), '');

interface Frame { id?: number | null; ok?: boolean; result?: unknown; error?: string; sub?: number; push?: { type: string; seq?: number } }

/** A client that keeps every frame and waits for one matching a predicate, with a deadline. */
async function connect(
  headers: Record<string, string> = {}, query = `?token=${TOKEN}`,
): Promise<{ ws: WebSocket; next: (match: (f: Frame) => boolean) => Promise<Frame> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${PORT}/ws${query}`, { headers });
  const frames: Frame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as Frame);
    for (const w of waiters) w();
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const next = (match: (f: Frame) => boolean): Promise<Frame> => new Promise((resolve, reject) => {
    const check = (): void => {
      const found = frames.find(match);
      if (!found) return;
      waiters.delete(check);
      clearTimeout(timer);
      resolve(found);
    };
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error('no matching frame within 5 s'));
    }, 5000);
    waiters.add(check);
    check();
  });
  return { ws, next };
}

describe('browser shell', () => {
  let shell: BrowserShell;
  let host: Host;
  const sockets: WebSocket[] = [];
  before(async () => {
    const recordings = new RecordingFiles({ cwd: tmp, logsDir });
    host = new Host({ logsDir, recordings });
    shell = await startBrowserShell({ api: host, recordings, rendererDir, port: PORT });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await shell.close();
    await host.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('serves the renderer with its type, a CSP and cross-origin isolation, and nothing outside it', async () => {
    assert.equal(shell.url, `${BASE}/?token=${TOKEN}`);
    const index = await fetch(withToken('/'));
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type')!, /^text\/html/);
    assert.match(index.headers.get('content-security-policy')!, /script-src 'self'/);
    // Cross-origin isolated: the page's clock keeps its resolution (frame times, event → screen).
    assert.equal(index.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(index.headers.get('cross-origin-embedder-policy'), 'require-corp');
    const js = await fetch(withToken('/assets/app.js'));
    assert.match(js.headers.get('content-type')!, /^text\/javascript/);
    for (const evil of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets%5c..%5c..%5csecret.txt', '/missing.js']) {
      const res = await fetch(withToken(evil));
      assert.equal(res.status, 404, evil);
    }
    assert.equal((await fetch(withToken('/'), { method: 'POST' })).status, 405);
  });

  test('answers a request and serves the recording files it names', async () => {
    const { ws, next } = await connect();
    sockets.push(ws);
    ws.send(JSON.stringify({ id: 1, request: { type: 'list-recordings' } }));
    const reply = await next((f) => f.id === 1);
    assert.equal(reply.ok, true);
    const { recordings } = reply.result as { recordings: { path: string; files: { name: string; url: string }[] }[] };
    assert.equal(recordings.length, 1);
    const file = recordings[0]!.files.find((f) => f.name === '127.0.0.1_3000/127.0.0.1_3000.jsonl')!;
    const res = await fetch(withToken(file.url));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '{"ts":1}\n');
    assert.equal((await fetch(withToken(file.url.replace(/[0-9a-f]{32}/, '0'.repeat(32))))).status, 404);

    ws.send(JSON.stringify({ id: 2, request: { type: 'open-recording', path: 'nowhere' } }));
    const refused = await next((f) => f.id === 2);
    assert.deepEqual(refused, { id: 2, ok: false, error: 'recording not found: nowhere' });
  });

  test('counts and answers malformed messages, and keeps serving', async () => {
    const { ws, next } = await connect();
    sockets.push(ws);
    const before = shell.malformed();
    ws.send('not json');
    ws.send(JSON.stringify({ id: 'x', request: {} }));
    ws.send(JSON.stringify({ id: 5, request: { type: 'launch', options: { nodes: -1, mode: 'process', suspicion: true, dropRate: 0 } } }));
    ws.send(JSON.stringify({ id: 6, request: { type: 'node-action', action: 'explode', address: '127.0.0.1:1' } }));
    assert.deepEqual(await next((f) => f.id === 5), { id: 5, ok: false, error: 'malformed request' });
    assert.deepEqual(await next((f) => f.id === 6), { id: 6, ok: false, error: 'malformed request' });
    const noId = await next((f) => f.id === null);
    assert.equal(noId.ok, false);
    assert.equal(shell.malformed() - before, 4);
    ws.send(JSON.stringify({ id: 7, request: { type: 'stop-cluster' } }));
    assert.deepEqual(await next((f) => f.id === 7), { id: 7, ok: true, result: {} });
  });

  test('push streams: each subscribe opens with a snapshot; nothing is pushed unasked', async () => {
    const { ws, next } = await connect();
    sockets.push(ws);
    ws.send(JSON.stringify({ id: 1, request: { type: 'list-recordings' } }));
    await next((f) => f.id === 1);
    ws.send(JSON.stringify({ subscribe: 7 }));
    const first = await next((f) => f.sub === 7);
    assert.equal(first.push?.type, 'snapshot');
    ws.send(JSON.stringify({ unsubscribe: 7 }));
    ws.send(JSON.stringify({ subscribe: 8 }));
    const second = await next((f) => f.sub === 8);
    assert.equal(second.push?.type, 'snapshot');
    const { ws: other, next: nextOther } = await connect();
    sockets.push(other);
    for (let sub = 0; sub < 9; sub++) other.send(JSON.stringify({ subscribe: sub }));
    const refused = await nextOther((f) => f.id === null);
    assert.match(refused.error!, /malformed message/);
  });

  test('refuses a WebSocket from another origin', async () => {
    await assert.rejects(connect({ Origin: 'http://evil.example' }), /403/);
  });

  test('every request needs the token (in the URL, or the cookie the first request sets)', async () => {
    assert.equal((await fetch(`${BASE}/`)).status, 403);
    assert.equal((await fetch(`${BASE}/assets/app.js?token=wrong`)).status, 403);
    const first = await fetch(withToken('/'));
    assert.equal(first.status, 200);
    const cookie = first.headers.get('set-cookie')!;
    assert.match(cookie, new RegExp(`^hearsay-token-${PORT}=${TOKEN}; Path=/; HttpOnly; SameSite=Strict$`));
    assert.equal((await fetch(`${BASE}/assets/app.js`, { headers: { cookie: cookie.split(';')[0]! } })).status, 200);
    await assert.rejects(connect({}, ''), /403/);
    const { ws } = await connect({ cookie: cookie.split(';')[0]! }, '');
    ws.terminate();
  });

  test('DNS rebinding: Host and Origin attacker.example:PORT are refused, over HTTP and for the WebSocket upgrade', async () => {
    const rebound = { Host: `attacker.example:${PORT}`, Origin: `http://attacker.example:${PORT}` };
    // Even holding the token (it would not: its cookie belongs to 127.0.0.1), the Host is not one of ours.
    await assert.rejects(connect(rebound), /403/);
    await assert.rejects(connect(rebound, ''), /403/);
    assert.equal(await rawGet(`/?token=${TOKEN}`, { Host: `attacker.example:${PORT}` }), 403);
    assert.equal(await rawGet(`/?token=${TOKEN}`, { Host: `127.0.0.1:${PORT + 1}` }), 403, 'another port');
    for (const host of [`localhost:${PORT}`, `127.0.0.1:${PORT}`, `[::1]:${PORT}`]) {
      assert.equal(await rawGet(`/?token=${TOKEN}`, { Host: host }), 200, host);
    }
  });
});
