// The `hearsay` command as users run it: help, one-line errors with non-zero exits, ctl, and cluster lifecycle.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { controlRequest } from '../control/client.ts';
import type { ListSelfResult } from '../control/commands.ts';
import { NodeGroup } from '../node/testing/node-process.ts';
import { waitFor } from '../node/testing/wait-for.ts';
import { phantomGossip } from '../node/testing/udp-fuzz.ts';
import { formatMemberId } from '../protocol/member-id.ts';
import { HEARSAY_BIN } from './spawn-node.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-cli-'));
const group = new NodeGroup(path.join(tmp, 'nodes'));
const spawned = new Set<ChildProcess>();
after(async () => {
  for (const p of spawned) p.kill('SIGKILL');
  await group.killAll();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `hearsay ...args` to completion (killed after `timeoutMs`: generous, as ten of these may start at once, each
 *  compiling TypeScript through tsx, on a loaded 2-core machine). */
function hearsay(args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [HEARSAY_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      spawned.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

function assertOneLineError(run: Run, pattern: RegExp): void {
  assert.notEqual(run.code, 0, `exit code; stderr: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.match(lines[0]!, /^hearsay: /);
  assert.match(lines[0]!, pattern);
}

describe('hearsay CLI', () => {
  it('explains itself and every command', async () => {
    const top = await hearsay(['--help']);
    assert.equal(top.code, 0);
    for (const name of ['node', 'ctl', 'cluster']) assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'));
    const node = await hearsay(['node', '--help']);
    assert.equal(node.code, 0);
    for (const flag of ['--host', '--port', '--join', '--log-dir', '--suspicion', '--drop', '--preset', '--gossip-ms', '--fanout',
      '--fail-ms', '--suspect-ms', '--cleanup-ms', '--probe-ms', '--probe-timeout-ms', '--suspicion-mult', '--control-open', '--seed', '--join-timeout']) {
      assert.ok(node.stdout.includes(flag), `node --help mentions ${flag}`);
    }
  });

  it('bad flags and values: one line, non-zero exit', async () => {
    // Ten CLI starts at once on a loaded 2-core machine: a deadline for liveness, not speed.
    const runs = await Promise.all([
      ['node', '--bogus'],
      ['node', '--port', '99999'],
      ['node', '--port', '-1'],
      ['node', '--suspicion', 'maybe'],
      ['node', '--fail-ms', '150', '--gossip-ms', '100'],
      ['frobnicate'],
      ['ctl', 'nowhere', 'list_mem'],
      ['node', '--preset', 'slow'],
      ['node', '--preset', 'watch', '--fail-ms', '1500'],
      ['node', '--gossip-ms', '5'],
    ].map((args) => hearsay(args, 60_000)));
    assertOneLineError(runs[0]!, /unknown flag --bogus/);
    assertOneLineError(runs[1]!, /--port 99999: expected an integer in 1\.\.65535/);
    assertOneLineError(runs[2]!, /--port -1: expected an integer in 1\.\.65535/);
    assertOneLineError(runs[3]!, /--suspicion maybe: expected on or off/);
    // The words of the launch panel (config.ts SETTINGS), never field names; the flag to change comes first.
    assertOneLineError(runs[4]!, /--fail-ms 150: fail timeout \(150 ms\) must be at least 2 × the gossip interval \(100 ms\)$/);
    assertOneLineError(runs[5]!, /unknown command 'frobnicate'/);
    assertOneLineError(runs[6]!, /target nowhere: expected HOST:PORT/);
    assertOneLineError(runs[7]!, /--preset slow: expected default or watch/);
    assertOneLineError(runs[8]!, /--fail-ms 1500: fail timeout \(1500 ms\) must be at least 2 × the gossip interval \(1000 ms\)/);
    assertOneLineError(runs[9]!, /--gossip-ms 5: gossip interval must be a whole number of ms from 10 to 60000 \(got 5\)$/);
  });

  it('an unusable log directory is one clear line at once, for node and gen-logs (it used to spin at full CPU)', async () => {
    const started = Date.now();
    const [node, gen] = await Promise.all([
      hearsay(['node', '--port', '21440', '--log-dir', '/proc/x']),
      hearsay(['gen-logs', '--dir', '/proc/x', '--nodes', '1', '--size', '1KB']),
    ]);
    assertOneLineError(node, /^hearsay: cannot create the directory \/proc\/x: /);
    assertOneLineError(gen, /^hearsay: cannot create the directory \/proc\/x\/127\.0\.0\.1_3000: /);
    assert.ok(Date.now() - started < 10_000);
  });

  it('busy port (TCP and UDP) and unreachable introducer or ctl target: one line, non-zero exit', async () => {
    const tcp = net.createServer();
    await new Promise<void>((resolve) => tcp.listen(21400, '127.0.0.1', resolve));
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(21401, '127.0.0.1', resolve));
    try {
      const [busyTcp, busyUdp, noIntro, noTarget] = await Promise.all([
        hearsay(['node', '--port', '21400']),
        hearsay(['node', '--port', '21401']),
        hearsay(['node', '--port', '21402', '--join', '127.0.0.1:21403', '--join-timeout', '0']),
        hearsay(['ctl', '127.0.0.1:21403', 'list_mem']),
      ]);
      assertOneLineError(busyTcp, /port 21400 is busy: 127\.0\.0\.1:21400 \(TCP\)/);
      assertOneLineError(busyUdp, /port 21401 is busy: 127\.0\.0\.1:21401 \(UDP\)/);
      assertOneLineError(noIntro, /cannot join through 127\.0\.0\.1:21403: connection refused/);
      assertOneLineError(noTarget, /cannot reach 127\.0\.0\.1:21403: connection refused/);
    } finally {
      tcp.close();
      udp.close();
    }
  });

  it('ctl: human and --json output; unknown command is an error and the node keeps running', async () => {
    const node = group.start(21410);
    const id = await node.id();
    const human = await hearsay(['ctl', node.address, 'list_mem']);
    assert.equal(human.code, 0);
    assert.match(human.stdout, /^ID +STATUS +HEARTBEAT +INCARNATION$/m);
    assert.ok(human.stdout.includes(`${id}  alive*`));
    const json = await hearsay(['ctl', node.address, 'list_self', '--json']);
    assert.equal((JSON.parse(json.stdout) as ListSelfResult).id, id);
    assertOneLineError(await hearsay(['ctl', node.address, 'explode']), /unknown command 'explode'/);
    // At the prompt: one line on stderr, and the node goes on.
    node.proc.stdin!.write('explode\nlist_self\n');
    await waitFor(() => node.stderr.some((l) => l.includes("unknown command 'explode'")) && node.stdout.some((l) => l.startsWith(`${id} (`)),
      { timeoutMs: 5000, what: 'the prompt to answer' });
    assert.equal(node.running, true);
  });

  async function startCluster(name: string, basePort: number, n: number): Promise<{ proc: ChildProcess; pids: number[]; logDir: string }> {
    const logDir = path.join(tmp, name);
    const proc = spawn(process.execPath, [HEARSAY_BIN, 'cluster', '--nodes', String(n), '--base-port', String(basePort), '--log-dir', logDir, '--quiet'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.add(proc);
    let out = '';
    proc.stdout.on('data', (d) => { out += d; });
    await waitFor(() => out.includes(`cluster of ${n} up`), { timeoutMs: 30_000, what: 'the cluster to come up' });
    assert.equal((out.match(/ alive/g) ?? []).length, n);
    const ports = Array.from({ length: n }, (_, i) => basePort + i);
    const pids = await Promise.all(ports.map(async (port) =>
      (await controlRequest(`127.0.0.1:${port}`, 'list_self', [], {}) as ListSelfResult).pid));
    assert.deepEqual(fs.readdirSync(logDir).sort(), ports.map((p) => `127.0.0.1_${p}`));
    return { proc, pids, logDir };
  }
  const alive = (pid: number): boolean => { try { process.kill(pid, 0); return true; } catch { return false; } };

  it('cluster: per-node log directories, members printed, SIGTERM stops all gracefully', async () => {
    const { proc, pids, logDir } = await startCluster('cluster-term', 21420, 3);
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.ok(pids.every((pid) => !alive(pid)));
    const log = fs.readFileSync(path.join(logDir, '127.0.0.1_21421', '127.0.0.1_21421.jsonl'), 'utf8').trimEnd().split('\n');
    assert.match(log.at(-1)!, /"event":"stop".*"reason":"shutdown"/);
  });

  it("cluster: prints what the introducer's console shows: a forger's phantoms past its log limit are summed up, not listed", async () => {
    const proc = spawn(process.execPath, [HEARSAY_BIN, 'cluster', '--nodes', '1', '--base-port', '21450', '--log-dir', path.join(tmp, 'cluster-phantoms')],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.add(proc);
    let out = '';
    proc.stdout.on('data', (d) => { out += d; });
    await waitFor(() => out.includes('cluster of 1 up'), { timeoutMs: 30_000, what: 'the cluster to come up' });
    const stranger = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => stranger.bind(21451, '127.0.0.1', resolve));
    after(() => stranger.close());
    const sender = { host: '127.0.0.1', port: 21451, version: Date.now() - 1000 };
    const senderId = formatMemberId(sender.host, sender.port, sender.version);
    // New phantoms, 50 a datagram, 20 datagrams a second (the protocol lists 1,000 new members a second from one
    // sender; the log writes the first 1,000 from it, then 20 a second), until the console sums the rest up.
    const started = Date.now();
    let sent = 0;
    await waitFor(() => {
      if (out.includes(`new from ${senderId} not written`)) return true;
      if (sent < 4000) stranger.send(phantomGossip(sender, '10.9.9.9', 1000 + sent, 50), 21450, '127.0.0.1');
      sent += 50;
      return false;
    }, { timeoutMs: 30_000, intervalMs: 50, what: 'the held-back phantom lines summed up on stdout' });
    const seconds = (Date.now() - started) / 1000;
    const joins = out.split('\n').filter((l) => / JOIN +10\.9\.9\.9:/.test(l)).length;
    assert.ok(joins >= 1000 && joins <= 1000 + 20 * (seconds + 1), `${joins} phantom joins printed in ${seconds} s`);
    const held = (await controlRequest('127.0.0.1:21450', 'bandwidth', [], {}) as { logSuppressed: number }).logSuppressed;
    assert.ok(held > 0, 'the introducer held lines back');
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('cluster: children exit when the parent is SIGKILLed', async () => {
    const { proc, pids } = await startCluster('cluster-kill', 21430, 2);
    proc.kill('SIGKILL');
    await waitFor(() => pids.every((pid) => !alive(pid)), { timeoutMs: 10_000, what: 'children to exit after the parent died' });
  });
});
