// A tiny experiment end to end on real processes and on the simulator (both run the same schedule), the result
// files' schema, cancelling, and the CLI's one-line errors. Ports 30000-30999 (docs/contributing.md).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { HEARSAY_BIN } from '../cli/spawn-node.ts';
import { UserError } from '../user-error.ts';
import { buildPlots } from './aggregate.ts';
import { runExperiment } from './runner.ts';
import { listResults, readResults } from './result-files.ts';
import { csvHeader } from './results.ts';
import { FULL, planSessions, planUnits } from './plan.ts';
import { expectedDuration } from './duration.ts';
import { TUNINGS } from './tuning.ts';
import type { Unit } from './plan.ts';
import { settingsFromOptions } from './settings.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-experiment-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('experiment', () => {
  it('runs a tiny experiment on processes and the simulator and writes results, plots and report', async () => {
    const dir = path.join(tmp, 'tiny');
    const settings = settingsFromOptions({ experiment: 'all', schedule: 'tiny', runs: 1, parallel: 3, basePort: 30000 });
    const seen: number[] = [];
    const outcome = await runExperiment(settings, dir, { signal: new AbortController().signal, png: false, onRow: (_r, p) => seen.push(p.done) });
    assert.equal(outcome.status, 'finished', outcome.reason);
    const file = readResults(dir);
    assert.equal(file.rows.length, file.units);
    assert.deepEqual(seen, file.rows.map((_, i) => i + 1), 'progress counts every row');
    for (const source of ['processes', 'simulator'] as const) {
      for (const protocol of ['gossip', 'gossip+s']) {
        const mine = file.rows.filter((r) => r.source === source && r.protocol === protocol && r.tuning === 'default');
        const bw = mine.find((r) => r.experiment === 'bandwidth')!;
        // 3 members, a ~60-byte list to 2 of them 4 times a second: a few hundred bytes a second.
        assert.ok(bw.bytesPerSecPerNode! > 100 && bw.bytesPerSecPerNode! < 2000, `${source} ${protocol} bandwidth ${bw.bytesPerSecPerNode}`);
        const det = mine.find((r) => r.experiment === 'detection' && r.x === 1)!;
        assert.equal(det.missed, 0, `${source} ${protocol}: every survivor failed the victim`);
        assert.equal(det.firstMs.length, 1);
        assert.ok(det.firstMs[0]! > 500 && det.firstMs[0]! < 10_000, `${source} ${protocol} first detection ${det.firstMs[0]} ms`);
        assert.ok(det.allMs[0]! >= det.firstMs[0]!);
        const fp = mine.find((r) => r.experiment === 'false-positives')!;
        assert.ok(fp.nodeHours! > 0 && fp.falseFails !== null);
      }
    }
    assert.equal(file.tunings.length, 2, 'both comparisons were tuned');
    assert.ok(file.rows.some((r) => r.tuning === 'equal-detection') && file.rows.some((r) => r.tuning === 'equal-bandwidth'));
    const csv = fs.readFileSync(path.join(dir, 'results.csv'), 'utf8').trim().split('\n');
    assert.equal(csv[0], csvHeader());
    assert.equal(csv.length, file.rows.length + 1, 'one CSV row per run');
    for (const line of csv) assert.equal(line.split(',').length, csv[0]!.split(',').length);
    const report = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
    for (const plot of buildPlots(file.rows)) {
      assert.match(report, new RegExp(`\\]\\(${plot.id}\\.svg\\)`));
      assert.match(fs.readFileSync(path.join(dir, `${plot.id}.svg`), 'utf8'), /^<svg[^>]*>[\s\S]*<\/svg>\n$/);
    }
    assert.match(report, /## Processes and simulator/);
    assert.match(report, /equal-detection: target \d+ ms/);
  });

  it('a cancel keeps the runs that finished and still writes the report', async () => {
    const dir = path.join(tmp, 'cancelled');
    const settings = settingsFromOptions({ experiment: 'detection', schedule: 'tiny', runs: 3, source: 'simulator' });
    const controller = new AbortController();
    const outcome = await runExperiment(settings, dir, {
      signal: controller.signal, png: false, onRow: (_r, p) => { if (p.done === 2) controller.abort(); },
    });
    assert.equal(outcome.status, 'cancelled');
    const file = readResults(dir);
    assert.equal(file.status, 'cancelled');
    assert.equal(file.rows.length, 2);
    assert.ok(file.units > 2);
    assert.match(fs.readFileSync(path.join(dir, 'report.md'), 'utf8'), /Status: \*\*cancelled\*\*.*2 of \d+ runs/);
  });

  it('reading back rejects a file that is not an experiment result, naming it', () => {
    const dir = path.join(tmp, 'bad');
    fs.mkdirSync(dir);
    assert.throws(() => readResults(dir), (e: unknown) => e instanceof UserError && /no such file/.test(e.message));
    fs.writeFileSync(path.join(dir, 'results.json'), '{"version": 1, "rows": [{"x": -1}]}');
    assert.throws(() => readResults(dir), (e: unknown) => e instanceof UserError && /not an experiment result/.test(e.message));
    fs.writeFileSync(path.join(dir, 'results.json'), '{ nope');
    assert.throws(() => readResults(dir), (e: unknown) => e instanceof UserError && /not JSON/.test(e.message));
  });

  it('sessions share a group only between points a fresh group would measure the same way', () => {
    const settings = settingsFromOptions({ experiment: 'all', schedule: 'full', runs: 2, protocols: 'gossip' });
    const sessions = planSessions(planUnits(settings, new Map()), FULL.groupSize);
    const units = sessions.flat();
    assert.equal(units.length, new Set(units).size, 'every unit in one session');
    for (const session of sessions) {
      const first = session[0]!;
      const same = (f: (u: Unit) => unknown): boolean => session.every((u) => f(u) === f(first));
      assert.ok(same((u) => u.source) && same((u) => u.variant) && same((u) => u.tuning));
      const detections = session.filter((u) => u.experiment === 'detection');
      assert.ok(detections.length <= 1 && (detections.length === 0 || session.at(-1) === detections[0]), 'a detection run kills members: last, once');
      if (first.source === 'processes') {
        assert.ok(same((u) => u.run), 'processes: one run per session');
        const kinds = [...new Set(session.map((u) => u.experiment))];
        assert.ok(kinds.length === 1 || (kinds.join() === 'bandwidth,detection'), `${kinds.join()}: a detection only after growth, never after loss`);
        const sizes = session.map((u) => u.nodes);
        assert.deepEqual(sizes, [...sizes].sort((a, b) => a - b), 'a group only grows');
        const drops = session.filter((u) => u.experiment === 'false-positives').map((u) => u.dropRate);
        assert.deepEqual(drops, [...drops].sort((a, b) => a - b), 'steps up the drop rates');
      } else if (first.experiment === 'bandwidth') {
        assert.ok(same((u) => u.nodes) && same((u) => u.experiment), 'simulator: one size per simulation');
        assert.deepEqual(session.map((u) => u.run), [0, 1]);
      } else {
        assert.equal(session.length, 1);
      }
    }
    const shared = sessions.filter((x) => x[0]!.source === 'processes' && x.length > 1).map((x) => x.map((u) => `${u.experiment[0]}${u.x}`).join(' '));
    assert.deepEqual(shared.sort(), [...Array(2).fill('b15 b20'), ...Array(2).fill('b2 b5 b10 d1'), ...Array(2).fill('f0 f1 f5 f10 f20 f30')].sort(),
      'per run: a group grown then crashed, a larger one grown, one stepped through the drop rates');
  });

  it('the quick default should take about 2 minutes on an idle 2-core machine, by its plan', () => {
    const settings = settingsFromOptions({ experiment: 'all', parallel: 4 });
    const units = planUnits(settings, new Map(TUNINGS.map((t) => [t, settings.protocols])));
    const e = expectedDuration(settings, units, 2, true);
    assert.ok(e.totalS > 60 && e.totalS <= 120, `expected ${e.totalS.toFixed(0)} s`);
    assert.ok(e.processesS > e.simulatorS && e.cpuBoundS < e.processesS, 'the processes\' waits set the pace, not the CPU');
    const full = settingsFromOptions({ experiment: 'all', schedule: 'full', parallel: 3 });
    assert.ok(expectedDuration(full, planUnits(full, new Map()), 2, true).totalS > 10 * e.totalS);
  });

  it('every report committed under docs/experiments reads back (the app lists and opens them the same way)', () => {
    const root = fileURLToPath(new URL('../../docs/experiments/', import.meta.url));
    const dirs = listResults(root);
    assert.ok(dirs.length > 0, 'docs/experiments holds a report');
    for (const dir of dirs) {
      const file = readResults(path.join(root, dir));
      assert.ok(file.status === 'finished' || file.status === 'cancelled', `${dir}: ${file.status}`);
      assert.ok(file.rows.length + file.skipped.length <= file.units && file.rows.length > 0, dir);
      assert.ok(fs.existsSync(path.join(root, dir, 'report.md')), `${dir}: report.md`);
    }
  });

  it('every user mistake is one line on stderr and a non-zero exit', () => {
    fs.writeFileSync(path.join(tmp, 'a-file'), '');
    fs.mkdirSync(path.join(tmp, 'used'));
    fs.writeFileSync(path.join(tmp, 'used', 'results.json'), '{}');
    for (const args of [
      ['nonsense'], ['--runs', '0'], ['--source', 'cloud'], ['--protocols', 'gossip,flood'], ['--full', '--tiny'],
      ['--base-port', '65530'], ['--bogus'], ['--tiny', '--source', 'simulator', '--out', path.join(tmp, 'a-file', 'sub')],
      ['--tiny', '--out', path.join(tmp, 'used')],
    ]) {
      const r = spawnSync(process.execPath, [HEARSAY_BIN, 'experiment', ...args], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^hearsay: /);
    }
  });
});
