// Crash waves in the deterministic simulator: up to half of a group crashes at once; counts false failures among the
// survivors (and restarts they are pushed into) and times the detection of the crashed.
//   npx tsx scripts/sim-crash-wave.ts [--trials 2000] [--nodes 10] [--seed 1] [--loss 0] [--crash K] [--family gossip|ping]
import { parseArgs } from 'node:util';
import { crashWaveTrial } from '../node-runtime/sim/crash-wave.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '2000' },
    nodes: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    loss: { type: 'string', default: '0' },
    crash: { type: 'string' },
    family: { type: 'string', default: 'gossip' },
  },
});
const trials = Number(values.trials);
const nodes = Number(values.nodes);
const seed0 = Number(values.seed);
const loss = Number(values.loss);
const crash = values.crash === undefined ? undefined : Number(values.crash);
const family = values.family;
if (![trials, nodes, seed0, loss].every(Number.isFinite) || trials < 1 || nodes < 2 || loss < 0 || loss > 1 || (family !== 'gossip' && family !== 'ping')) {
  console.error('usage: npx tsx scripts/sim-crash-wave.ts [--trials N] [--nodes N] [--seed S] [--loss 0..1] [--family gossip|ping]');
  process.exit(2);
}
let bad = 0;
let falseFails = 0;
let restarts = 0;
let missed = 0;
const first: number[] = [];
const all: number[] = [];
const t0 = performance.now();
for (let t = 0; t < trials; t++) {
  const r = crashWaveTrial({ seed: seed0 + t, nodes, loss, family, suspicion: t % 2 === 1, ...(crash === undefined ? {} : { crash }) });
  if (r.falseFails > 0 || r.restarts > 0 || r.missed > 0) bad++;
  falseFails += r.falseFails;
  restarts += r.restarts;
  missed += r.missed;
  first.push(...r.firstMs);
  all.push(...r.allMs);
}
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
console.log(`${trials} trials, ${nodes} nodes, ${crash ?? `1..${Math.floor(nodes / 2)}`} crashed at once, loss ${loss * 100} %, ${family} family, suspicion alternating, ${((performance.now() - t0) / 1000).toFixed(1)} s wall`);
console.log('| trials with a false failure, restart or miss | false fails | survivor restarts | missed | first p50 | first p99 | first max | all p50 | all p99 | all max |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
console.log(`| ${bad} | ${falseFails} | ${restarts} | ${missed} | ${pct(first, 50)} | ${pct(first, 99)} | ${Math.max(...first)} | ${pct(all, 50)} | ${pct(all, 99)} | ${Math.max(...all)} |`);
