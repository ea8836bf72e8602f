// The log generator: seeded, the planted patterns where and as often as it says (checked with GNU grep).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PLANTED, writeClusterLogs } from './gen-logs.ts';
import type { PlantedKind } from './gen-logs.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-logs-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

describe('gen-logs', () => {
  it('plants rare in one node, somewhat in some, frequent in all, with the counts it reports', () => {
    const plans = writeClusterLogs({ dir: path.join(root, 'a'), nodes: 4, host: '127.0.0.1', basePort: 22300, sizeBytes: 500_000, seed: 9 });
    assert.deepEqual(plans.map((p) => path.relative(root, p.path)), [1, 2, 3, 4].map((i) => `a/127.0.0.1_${22299 + i}/machine.${i}.log`));
    for (const kind of Object.keys(PLANTED) as PlantedKind[]) {
      for (const plan of plans) {
        const count = Number(spawnSync('/usr/bin/grep', ['-c', '-F', '--', PLANTED[kind], plan.path], { encoding: 'utf8' }).stdout);
        assert.equal(count, plan.planted[kind], `${kind} in ${plan.path}`);
      }
    }
    const nodesWith = (k: PlantedKind): number => plans.filter((p) => p.planted[k] > 0).length;
    assert.deepEqual([nodesWith('rare'), nodesWith('somewhat'), nodesWith('frequent')], [1, 2, 4]);
    assert.equal(plans.reduce((s, p) => s + p.planted.rare, 0), 5);
    for (const p of plans) {
      assert.ok(p.bytes >= 500_000 && p.bytes < 501_000 && fs.statSync(p.path).size === p.bytes);
      assert.ok(Math.abs(p.planted.frequent / p.lines - 0.3) < 0.03, `frequent rate ${p.planted.frequent / p.lines}`);
    }
  });

  it('is seeded: the same seed writes the same bytes', () => {
    const write = (name: string, seed: number): Buffer =>
      fs.readFileSync(writeClusterLogs({ dir: path.join(root, name), nodes: 1, host: '127.0.0.1', basePort: 22300, sizeBytes: 100_000, seed })[0]!.path);
    assert.ok(write('s1', 1).equals(write('s2', 1)));
    assert.ok(!write('s3', 1).equals(write('s4', 2)));
  });
});
