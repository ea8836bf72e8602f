// The protocol family from the app's side (ports 25100-25199): a launch starts its nodes in the family it names, in
// both ways the host runs nodes, and the nodes' own `display_protocol` says so.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { controlRequest } from '../../node-runtime/control/client.ts';
import type { ProtocolResult } from '../../node-runtime/control/commands.ts';
import type { Address, LaunchOptions } from './api.ts';
import { Host } from './host.ts';
import { HostStream } from './host-stream.test-support.ts';
import { RecordingFiles } from './recording-files.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-family-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function newHost(name: string): { host: Host; stream: HostStream } {
  const logsDir = path.join(tmp, name);
  const host = new Host({ logsDir, recordings: new RecordingFiles({ cwd: tmp, logsDir }) });
  return { host, stream: new HostStream(host) };
}

async function protocols(addresses: readonly Address[]): Promise<string[]> {
  return Promise.all(addresses.map(async (a) => ((await controlRequest(a, 'display_protocol', [])) as ProtocolResult).protocol));
}

for (const [mode, basePort] of [['process', 25100], ['embedded', 25120]] as const) {
  test(`a ${mode} launch with protocol ping + suspicion starts every node in it`, async () => {
    const { host, stream } = newHost(mode);
    try {
      const options: LaunchOptions = { nodes: 3, mode, protocol: 'ping', suspicion: true, dropRate: 0, basePort };
      const r = await host.request({ type: 'launch', options });
      await stream.waitFor('3 nodes listing each other alive', 20_000, () => stream.converged(3));
      assert.deepEqual(await protocols(r.nodes.map((n) => n.address)), ['ping+suspect', 'ping+suspect', 'ping+suspect']);
    } finally {
      await host.close();
    }
  });
}
