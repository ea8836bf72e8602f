// report.md beside results.json: the plots (SVG, PNG where Chromium is at hand) with the exact settings, schedule,
// machine and date, a table under each plot, where the two sources agree (and where not, and why), and the two
// comparisons with the tuning that was computed for them.
import fs from 'node:fs';
import path from 'node:path';
import { agreements, buildPlots, comparisons } from './aggregate.ts';
import type { Agreement, Plot } from './aggregate.ts';
import { findChromium, svgToPng } from './png.ts';
import { runsOn } from './protocols.ts';
import { readResults } from './result-files.ts';
import type { ResultsFile } from './result-files.ts';
import { renderSvg } from './svg-plot.ts';
import { DETECTION_WINDOW_S } from './plan.ts';

/** Where both sources cover a point they should agree within this fraction. */
export const AGREEMENT = 0.1;
const PLOT_SIZE = { width: 760, height: 440 };

function fmt(x: number | null | undefined, digits = 2): string {
  return x === undefined || x === null || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

function timingsText(t: Record<string, number>): string {
  const e = Object.entries(t);
  return e.length === 0 ? 'defaults' : e.map(([k, v]) => `${k} ${v}`).join(', ');
}

function plotTable(plot: Plot): string[] {
  const hasP99 = plot.series.some((s) => s.points.some((p) => p.p99 !== undefined));
  const lines = [
    `| configuration | source | ${plot.xLabel} | mean | sd | runs${hasP99 ? ' | p99' : ''} |`,
    `|---|---|---|---|---|---${hasP99 ? '|---' : ''}|`,
  ];
  const digits = plot.id === 'bandwidth' ? 0 : 2;
  for (const s of plot.series) {
    for (const p of s.points) {
      lines.push(`| ${s.protocol} | ${s.source} | ${p.x} | ${fmt(p.mean, digits)} | ${fmt(p.stddev, digits)} | ${p.runs}${hasP99 ? ` | ${fmt(p.p99)}` : ''} |`);
    }
  }
  return lines;
}

/** Why the sources differ beyond chance at a point, by plot: the known, structural reasons. */
const WHY: Record<Agreement['plot'], string> = {
  bandwidth: 'the simulator counts the same codec\'s bytes, so a difference is rounds or ages: real timers fire late on a loaded machine (fewer gossip rounds per second, most visible in the smallest groups, whose packets are smallest), the simulator\'s fire on time; and heartbeat counters are varints, so after ~32 s of uptime (128 rounds of 250 ms) each gossip entry grows by a byte (~7 % more at N = 10) — the simulator\'s later windows and the processes\' grown groups are older than a fresh group',
  'false-positives': 'real timers run late under CPU load (the load average is under Settings), which the simulator\'s clock never does: a process starved past a timeout (ping: the 200 ms probe timeout; gossip: 1.5 s without news of a member) fails a live member, and with suspicion off every peer that hears of it logs the failure too (supersede), so one starved moment counts up to N − 1 times',
  'detection-first': 'real timers fire late under load, and each node\'s probe and gossip periods start when it did: the simulator spreads its starts over one probe period to give its timers unrelated phases too, but a loaded machine starts processes further apart and runs their timers later still (the times come from the nodes\' own timestamps, not from the 50 ms log polling)',
  'detection-all': 'real timers fire late under load, and each node\'s probe and gossip periods start when it did: the simulator spreads its starts over one probe period to give its timers unrelated phases too, but a loaded machine starts processes further apart and runs their timers later still (the times come from the nodes\' own timestamps, not from the 50 ms log polling)',
};

/** Why a difference within two standard errors is not read as a disagreement. */
const CHANCE = 'within two standard errors of each other (± in the table: sd / √runs of each source): these runs cannot tell the difference from chance — false failures are rare events, a handful in a short process window against hours simulated, and a few runs of a detection have few victims';

function agreementSection(list: readonly Agreement[]): string[] {
  if (list.length === 0) return ['No point was measured by both sources.'];
  const lines = [
    `Where both sources measured a point (same schedule), the simulator's mean against the processes'. Within ±${AGREEMENT * 100} % counts as agreement; ± is two standard errors of the difference (sd / √runs of each source).`,
    '',
    '| plot | configuration | x | processes | simulator | difference | ± | agrees |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const a of list) {
    const both0 = a.processes === 0 && a.simulator === 0;
    const ok = both0 || (Number.isFinite(a.difference) && Math.abs(a.difference) <= AGREEMENT);
    lines.push(`| ${a.plot} | ${a.protocol} | ${a.x} | ${fmt(a.processes)} | ${fmt(a.simulator)} | ${both0 ? '0 = 0' : Number.isFinite(a.difference) ? `${(a.difference * 100).toFixed(1)} %` : 'n/a (processes 0)'} | ${fmt(a.noise)} | ${ok ? 'yes' : '**no**'} |`);
  }
  const off = list.filter((a) => !(a.processes === 0 && a.simulator === 0) && !(Math.abs(a.difference) <= AGREEMENT));
  const agreeing = list.length - off.length;
  const chance = off.filter((a) => Math.abs(a.simulator - a.processes) <= a.noise);
  lines.push('', `${agreeing} of ${list.length} shared points agree within ${AGREEMENT * 100} %; of the other ${off.length}, ${chance.length} differ by less than two standard errors.`);
  if (off.length > 0) {
    lines.push('', 'Where they do not, and why:');
    const names = (here: readonly Agreement[]): string => here.map((a) => `${a.protocol} x=${a.x}`).join(', ');
    for (const plot of [...new Set(off.map((a) => a.plot))]) {
      const here = off.filter((a) => a.plot === plot);
      const byChance = here.filter((a) => chance.includes(a));
      const beyond = here.filter((a) => !chance.includes(a));
      if (beyond.length > 0) lines.push(`- **${plot}** (${names(beyond)}): ${WHY[plot]}.`);
      if (byChance.length > 0) lines.push(`- **${plot}** (${names(byChance)}): ${CHANCE}.`);
    }
  }
  return lines;
}

function tuningSection(file: ResultsFile): string[] {
  if (file.tunings.length === 0) return [];
  const lines = ['## Comparisons: equal detection bound, equal bandwidth', '',
    'Each configuration\'s timings (every timing a node takes as a flag) are scaled by one factor: its rounds per timeout stay the same, its detection time scales by ~the factor and its bandwidth by ~its inverse. The factor comes from the simulator (N = ' +
    `${String(file.schedule.groupSize)}; detection bound = p99 of the first detection over 30 crashes, bandwidth over 60 s), measured at the defaults and corrected once at the scaled timings.`, ''];
  for (const t of file.tunings) {
    const unit = t.tuning === 'equal-detection' ? 'ms (detection bound, first p99)' : 'B/s per node';
    lines.push(`### ${t.tuning}: target ${fmt(t.target, 0)} ${unit}`, '',
      '| configuration | factor | timings | bound before → after (ms) | B/s before → after |', '|---|---|---|---|---|');
    for (const v of t.variants) {
      lines.push(`| ${v.variant.name} | ${fmt(v.factor)} | ${timingsText(v.variant.timings)} | ${fmt(v.before.detectionMs, 0)} → ${fmt(v.after.detectionMs, 0)} | ${fmt(v.before.bytesPerSec, 0)} → ${fmt(v.after.bytesPerSec, 0)} |`);
    }
    lines.push('');
  }
  const rows = comparisons(file.rows);
  if (rows.length > 0) {
    lines.push('Measured with the tuned timings (mean over runs; detection of one crash in 10):', '',
      '| tuning | configuration | source | B/s per node | first mean / p99 (s) | all mean / p99 (s) | false failures per node-hour |',
      '|---|---|---|---|---|---|---|');
    for (const r of rows) {
      lines.push(`| ${r.tuning} | ${r.protocol} | ${r.source} | ${fmt(r.bandwidth, 0)} | ${fmt(r.firstMean)} / ${fmt(r.firstP99)} | ${fmt(r.allMean)} / ${fmt(r.allP99)} | ${fmt(r.fpPerNodeHour)} at ${fmt(r.fpDrop, 0)} % drop |`);
    }
    lines.push('');
  }
  return lines;
}

/** Writes the plots and report.md for `<dir>/results.json`; returns the files written (names in dir). */
export async function writeReport(dir: string, opts: { png: boolean }): Promise<string[]> {
  const file = readResults(dir);
  const plots = buildPlots(file.rows);
  const written: string[] = [];
  const browser = opts.png ? findChromium() : undefined;
  let pngNote = browser ? '' : opts.png ? 'PNG copies: no Chromium found (set HEARSAY_CHROMIUM), SVG only.' : '';
  const images = new Map<string, string>();
  for (const plot of plots) {
    const svg = `${plot.id}.svg`;
    fs.writeFileSync(path.join(dir, svg), renderSvg(plot));
    written.push(svg);
    images.set(plot.id, svg);
    if (browser) {
      const png = `${plot.id}.png`;
      const ok = await svgToPng(browser, path.join(dir, svg), path.join(dir, png), PLOT_SIZE.width, PLOT_SIZE.height);
      if (ok === true) written.push(png);
      else pngNote = `PNG copies failed: ${ok}`;
    }
  }
  const s = file.settings;
  const m = file.machine;
  const simOnly = s.sources.includes('processes') ? s.protocols.filter((p) => !runsOn(p, 'processes')).map((p) => p.name) : [];
  const md = [
    `# Membership experiments — ${file.startedAt.slice(0, 19).replace('T', ' ')} UTC`, '',
    `Status: **${file.status}**${file.reason ? ` (${file.reason})` : ''}; ${file.rows.length} of ${file.units} runs measured` +
      `${file.finishedAt ? `, finished ${file.finishedAt.slice(0, 19).replace('T', ' ')} UTC` : ''}.`, '',
    '## Settings', '',
    `- command: \`hearsay experiment ${commandLine(file)}\``,
    `- code: ${file.commit === undefined ? 'commit unknown' : `commit ${file.commit}`}`,
    `- experiments: ${s.experiments.join(', ')}${s.compare ? ', comparisons' : ''}; schedule: ${s.schedule}${s.maxNodes < Number.MAX_SAFE_INTEGER ? ` (groups ≤ ${s.maxNodes})` : ''}; runs per point: ${s.runs}; seed ${s.seed}`,
    `- sources: ${s.sources.join(', ')}; process clusters at once: ${s.parallel}, from port ${s.basePort}`,
    `- configurations: ${s.protocols.map((p) => `${p.name} (${p.family}, suspicion ${p.suspicion ? 'on' : 'off'}, ${timingsText(p.timings)})`).join('; ')}`,
    ...(simOnly.length > 0 ? [`- in the simulator only: ${simOnly.join(', ')} (\`hearsay node\` cannot start in the ping family yet, nor take its probe timings)`] : []),
    `- schedule: \`${JSON.stringify(file.schedule)}\``,
    `- machine: ${m.cpus}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average (1 min) ${fmt(m.load[0], 1)} at the start` +
      `${m.load.length > 1 ? `, ${fmt(m.load[1], 1)} at the end` : ''}`, '',
    ...whatARunIs(file), '',
    ...(pngNote ? [pngNote, ''] : []),
    ...(file.skipped.length > 0 ? [`Left out (the group did not form, twice): ${file.skipped.length} run(s):`, '', ...file.skipped.map((x) => `- ${x}`), ''] : []),
    ...plots.flatMap((p) => [`## ${p.title}`, '', `![${p.title}](${images.get(p.id)!})`, '', ...plotTable(p), '']),
    '## Processes and simulator', '', ...agreementSection(agreements(plots)), '',
    ...tuningSection(file),
  ];
  fs.writeFileSync(path.join(dir, 'report.md'), `${md.join('\n')}\n`);
  written.push('report.md');
  return written;
}

/** Exactly what one run (one row) measured, with the schedule's window lengths. */
function whatARunIs(file: ResultsFile): string[] {
  const sc = file.schedule;
  const secs = (x: number): string => `${x} s`;
  return [
    '**What a run is.** One row of results.csv: one configuration at one point in one source. Before every point the group has formed ' +
      '(every member lists every other as alive), the drop rate is set (receiver-side, in every node), and the group settles ' +
      `${secs(sc.settleS)} (at least N / 50 s: a large group has just spread its joins as news); then:`,
    `- *bandwidth*: UDP payload bytes sent per node per second over ${secs(sc.bandwidthWindowS)} (the nodes' own counters; the simulator counts the same codec's bytes), no failures;`,
    `- *false positives*: every \`fail\` logged while nothing failed, over ${secs(sc.fpWindowS.processes)} on processes and ${secs(sc.fpWindowS.simulator)} (virtual) in the simulator, per node-hour;`,
    `- *detection*: k of ${sc.groupSize} members crashed at once (kill -9 / simulated crash; never the introducer; the same victims in both sources); per victim the time to its first and to its last surviving observer's \`fail\`, waiting at most ${secs(DETECTION_WINDOW_S)} (longer for slower tuned timings: 4× their longest detection).`,
    '',
    '**Simulator** (seeded, virtual clock): every run is its own simulation formed from nothing, except *bandwidth*: one simulation per configuration and size, its runs consecutive windows (each after the settle), because a simulation cannot grow and forming 1,000 members takes ~80 virtual seconds. **Processes** (`hearsay node` on loopback, the JSONL logs polled every 50 ms): ' +
      `a configuration's run of *bandwidth* is one group grown through the sizes up to ${sc.groupSize}, smallest first (the new members join through the introducer), ` +
      'then crashed for its first *detection* point (a detection kills members, so it comes last); larger sizes grow a second group; ' +
      'its run of *false positives* is one group stepped through the drop rates, lowest first (never followed by a detection: loss leaves Lifeguard\'s local health raised for seconds); ' +
      'every other detection point is a fresh group. ' +
      'Sharing a group only saves the processes\' start-up: each point still starts from a formed, settled group. ' +
      'Plots: mean over runs with ± 1 sample standard deviation; for detection also p99 over every victim of every run (nearest rank).',
  ];
}

function commandLine(file: ResultsFile): string {
  const s = file.settings;
  const which = s.experiments.length === 3 && s.compare ? 'all' : [...s.experiments, ...(s.compare ? ['compare'] : [])].join(',');
  return `${which} --protocols ${s.protocols.map((p) => p.name).join(',')} --runs ${s.runs} --source ${s.sources.length === 2 ? 'both' : s.sources[0]}` +
    `${s.schedule === 'quick' ? '' : ` --${s.schedule}`}${s.maxNodes < Number.MAX_SAFE_INTEGER ? ` --max-nodes ${s.maxNodes}` : ''} --seed ${s.seed} --parallel ${s.parallel} --base-port ${s.basePort}`;
}
