// Experiment units on real `hearsay node` processes on loopback: the same steps as the simulator's (start, every
// node lists every other, settle, measure). A session (plan.ts) measures several points on one running cluster — it
// grows for the next group size, or takes the next drop rate — waiting before each point until every node lists
// every other again, so each point starts from a formed group as a fresh one would; only the processes' start-up is
// shared. Bytes come from each node's own counters (UDP payload, as the simulator counts), failures and their
// times from the nodes' JSONL logs. Every process is killed and its logs removed when the session ends, however it
// ends.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../user-error.ts';
import { controlRequest } from '../control/client.ts';
import type { BandwidthResult, ListMemResult, ListSelfResult } from '../control/commands.ts';
import { NodeGroup } from '../node/testing/node-process.ts';
import type { NodeProcess } from '../node/testing/node-process.ts';
import { nodeArgs } from './protocols.ts';
import { detectionWindowS } from './plan.ts';
import type { Unit } from './plan.ts';
import { unitConfig } from './sim-source.ts';
import type { ResultRow } from './results.ts';
import { chooseVictims, detectionTimes } from './victims.ts';

/** Generous: on a starved machine (load far above the core count) a group of 20 processes takes a minute to form. */
const START_TIMEOUT_MS = 120_000;
const POLL_MS = 50;
/** A control request to a formed group's node: generous, a starved node answers late. */
const CONTROL_TIMEOUT_MS = 10_000;

export interface ProcessSlot {
  readonly basePort: number;
  /** A fresh directory for the unit's node logs; removed afterwards. */
  readonly logDir: string;
}

/** Grows the group to n nodes (an introducer first, the rest joining it) and waits until every node lists at least n
 *  alive members; a node that exits meanwhile (busy port, bad flag) is a UserError naming it, and a cancel stops the
 *  wait at once (NodeGroup.startCluster cannot be). Node i listens on basePort + i. */
async function formGroup(group: NodeGroup, basePort: number, n: number, signal: AbortSignal): Promise<NodeProcess[]> {
  const nodes = group.nodes;
  if (nodes.length === 0) group.start(basePort);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const dead = nodes.find((x) => !x.running);
    if (dead) {
      const why = dead.stderr.findLast((l) => l.trim() !== '')?.replace(/^hearsay: /, '') ?? 'exited';
      throw new UserError('busy', `node ${dead.address} stopped while the group formed: ${why}`);
    }
    if (Date.now() > deadline) throw new UserError('unreachable', `a group of ${n} on ports ${basePort}.. did not form within ${START_TIMEOUT_MS / 1000} s`);
    const lists = await Promise.all(nodes.map((x) => controlRequest(x.address, 'list_mem', [], { timeoutMs: 2000 })
      .then((r) => (r as ListMemResult).members.filter((m) => m.status === 'alive').length, () => -1)));
    if (nodes.length < n) {
      // Joiners start once the introducer answers.
      if (lists[0]! >= 1) for (let i = nodes.length; i < n; i++) group.start(basePort + i, { join: basePort });
    } else if (lists.every((alive) => alive >= n)) {
      return nodes;
    }
    await sleep(POLL_MS * 4, undefined, { signal });
  }
}

async function bytesOut(nodes: readonly NodeProcess[]): Promise<number[]> {
  return Promise.all(nodes.map(async (n) =>
    ((await controlRequest(n.address, 'bandwidth', [], { timeoutMs: CONTROL_TIMEOUT_MS })) as BandwidthResult).bytesOut));
}

/** Runs a session's units in order on one cluster, handing each row over as it is measured. */
export async function runProcessSession(
  units: readonly Unit[], slot: ProcessSlot, signal: AbortSignal, onRow: (unit: Unit, row: ResultRow) => void,
): Promise<void> {
  fs.mkdirSync(slot.logDir, { recursive: true });
  const group = new NodeGroup(slot.logDir, nodeArgs(units[0]!.variant));
  let dropRate = 0;
  try {
    for (const unit of units) {
      const wallStart = performance.now();
      const nodes = await formGroup(group, slot.basePort, unit.nodes, signal);
      // The drop rate starts once the group has formed, as in the simulator.
      if (unit.dropRate !== dropRate) {
        await Promise.all(nodes.map((n) => controlRequest(n.address, 'drop', [String(unit.dropRate)], { timeoutMs: CONTROL_TIMEOUT_MS })));
        dropRate = unit.dropRate;
      }
      await sleep(unit.settleS * 1000, undefined, { signal }); // lets start-up load pass: by design, not synchronisation
      onRow(unit, { ...(await measure(unit, nodes, signal)), wallSeconds: (performance.now() - wallStart) / 1000 });
    }
  } finally {
    await group.killAll();
    fs.rmSync(slot.logDir, { recursive: true, force: true });
  }
}

/** One point on a formed, settled group. */
async function measure(unit: Unit, nodes: readonly NodeProcess[], signal: AbortSignal): Promise<Omit<ResultRow, 'wallSeconds'>> {
  const row = {
    experiment: unit.experiment, source: unit.source, protocol: unit.variant.name, tuning: unit.tuning, x: unit.x,
    run: unit.run, seed: unit.seed, nodes: unit.nodes, dropRate: unit.dropRate,
    bytesPerSecPerNode: null, falseFails: null, nodeHours: null, firstMs: [], allMs: [], missed: 0,
  };
  const t0 = Date.now();
  switch (unit.experiment) {
    case 'bandwidth': {
      const before = await bytesOut(nodes);
      const from = Date.now();
      await sleep(unit.windowS * 1000, undefined, { signal }); // the observation window
      const after = await bytesOut(nodes);
      const seconds = (Date.now() - from) / 1000;
      const total = after.reduce((a, b, i) => a + b - before[i]!, 0);
      return { ...row, seconds, bytesPerSecPerNode: total / unit.nodes / seconds };
    }
    case 'false-positives': {
      await sleep(unit.windowS * 1000, undefined, { signal }); // the observation window
      const t1 = Date.now();
      const falseFails = nodes.flatMap((n) => n.events()).filter((e) => e.event === 'fail' && e.ts >= t0 && e.ts <= t1).length;
      const seconds = (t1 - t0) / 1000;
      return { ...row, seconds, falseFails, nodeHours: (unit.nodes * seconds) / 3600 };
    }
    case 'detection': {
      const victims = chooseVictims(unit.seed, unit.nodes, unit.failures);
      // A node that does not answer (starved on a loaded machine) is an 'unreachable' UserError: the runner tries the
      // run again on a fresh group.
      const ids = await Promise.all(nodes.map(async (n) =>
        ((await controlRequest(n.address, 'list_self', [], { timeoutMs: CONTROL_TIMEOUT_MS })) as ListSelfResult).id));
      const victimIds = victims.map((i) => ids[i]!);
      const survivorNodes = nodes.filter((_, i) => !victims.includes(i));
      const survivors = new Set(survivorNodes.map((n) => ids[nodes.indexOf(n)]!));
      const killedAt = Date.now();
      for (const v of victims) nodes[v]!.signal('SIGKILL');
      const failAt = new Map<string, Map<string, number>>();
      const collect = (): boolean => {
        failAt.clear();
        for (const id of victimIds) failAt.set(id, new Map());
        let seen = 0;
        for (const node of survivorNodes) {
          for (const e of node.events()) {
            const times = e.event === 'fail' ? failAt.get(e.member) : undefined;
            if (times && !times.has(e.node)) {
              times.set(e.node, e.ts - killedAt);
              seen++;
            }
          }
        }
        return seen === victimIds.length * survivors.size;
      };
      const deadline = killedAt + detectionWindowS(unit, unitConfig(unit)) * 1000;
      while (!collect() && Date.now() < deadline) await sleep(POLL_MS, undefined, { signal });
      const seconds = (Date.now() - killedAt) / 1000;
      return { ...row, seconds, ...detectionTimes(victimIds, survivors, failAt) };
    }
  }
}
