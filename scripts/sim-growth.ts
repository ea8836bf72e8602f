// Growth by joins in the simulator: N nodes started one by one with no timing flags (the defaults; the cores scale
// them with the group's size as it grows, group-size.ts), in each family. Prints, per run: when every node first
// listed every other as live (full membership), false failures (`fail` and forced restarts: nothing crashes here,
// so every one is false), suspicions, bytes per node per second, and the wall time against virtual time.
//   npx tsx scripts/sim-growth.ts [--nodes 200,1000] [--spacing 100] [--hold 60] [--family gossip,ping]
//                                 [--suspicion off,on] [--seed 1]
import { parseArgs } from 'node:util';
import { Simulation } from '../node-runtime/sim/simulation.ts';
import type { ProtocolFamily } from '../node-runtime/protocol/mode.ts';

const { values: args } = parseArgs({
  options: {
    nodes: { type: 'string', default: '200,1000' },
    spacing: { type: 'string', default: '100' },
    hold: { type: 'string', default: '60' },
    family: { type: 'string', default: 'gossip,ping' },
    suspicion: { type: 'string', default: 'off' },
    seed: { type: 'string', default: '1' },
  },
});

function numbers(name: string, value: string): number[] {
  const xs = value.split(',').map(Number);
  if (xs.some((x) => !Number.isFinite(x) || x < 0)) {
    console.error(`--${name} takes non-negative numbers separated by commas (got ${value})`);
    process.exit(2);
  }
  return xs;
}

const sizes = numbers('nodes', args.nodes);
const [spacing] = numbers('spacing', args.spacing) as [number];
const [holdS] = numbers('hold', args.hold) as [number];
const [seed] = numbers('seed', args.seed) as [number];
const families = args.family.split(',') as ProtocolFamily[];
if (families.some((f) => f !== 'gossip' && f !== 'ping')) {
  console.error(`--family takes gossip and/or ping (got ${args.family})`);
  process.exit(2);
}
const suspicions = args.suspicion.split(',').map((x) => x === 'on');
/** How often full membership is checked (each check reads every node's list). */
const CHECK_MS = 1000;

/** Whether every node lists all n current ids as alive or suspect. */
function full(sim: Simulation, n: number): boolean {
  const ids = new Set<string>();
  for (let i = 0; i < n; i++) ids.add(sim.id(i));
  for (let i = 0; i < n; i++) {
    let live = 0;
    for (const m of sim.view(i)) if (ids.has(m.id) && (m.status === 'alive' || m.status === 'suspect')) live++;
    if (live !== n) return false;
  }
  return true;
}

console.log(`Growth by joins: nodes start one every ${spacing} ms with the default timings, then ${holdS} s more; seed ${seed}.`);
console.log('| family | suspicion | nodes | last join at | full membership at | false fails | restarts | suspects | B/s per node (hold) | wall s | × real time |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const n of sizes) for (const family of families) for (const suspicion of suspicions) {
  let fails = 0;
  let stops = 0;
  let suspects = 0;
  const started = performance.now();
  const sim = new Simulation({
    nodes: n, seed, family, suspicion, joinSpacingMs: spacing, recordEvents: false,
    onEvent: (e) => {
      if (e.event === 'fail') fails++;
      else if (e.event === 'stop') stops++;
      else if (e.event === 'suspect') suspects++;
    },
  });
  const lastJoin = (n - 1) * spacing;
  const end = lastJoin + holdS * 1000;
  let fullAt = Number.NaN;
  let bytesAtHold = 0;
  for (let t = lastJoin; t <= end; t += CHECK_MS) {
    sim.runUntil(t);
    if (Number.isNaN(fullAt) && full(sim, n)) {
      fullAt = t;
      for (let i = 0; i < n; i++) bytesAtHold += sim.sent(i).bytes;
    }
  }
  sim.runUntil(end);
  let bytesEnd = 0;
  for (let i = 0; i < n; i++) bytesEnd += sim.sent(i).bytes;
  const held = Number.isNaN(fullAt) ? Number.NaN : (end - fullAt) / 1000;
  const wall = (performance.now() - started) / 1000;
  const s = (ms: number) => (Number.isNaN(ms) ? 'never' : `${(ms / 1000).toFixed(0)} s`);
  console.log(`| ${family} | ${suspicion ? 'on' : 'off'} | ${n} | ${s(lastJoin)} | ${s(fullAt)} | ${fails} | ${stops} | ${suspects} | ${held > 0 ? ((bytesEnd - bytesAtHold) / n / held).toFixed(0) : '—'} | ${wall.toFixed(1)} | ${(end / 1000 / wall).toFixed(1)} |`);
}
