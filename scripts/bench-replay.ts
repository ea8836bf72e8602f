// Replay benchmark (issue 4's targets: 1M events load in ≤ 2 s, seek anywhere in ≤ 50 ms p95, memory ≤ 3× the files'
// size). Generates the large sample if it is missing, opens it as the renderer does (streams, columns, snapshots,
// failure analysis), then seeks to random instants.
//   npm run bench:replay -- [--dir logs/large] [--seeks 1000] [--every K]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateRecording } from './gen-recording.ts';
import { openRecording } from '../renderer/model/replay/recording.ts';
import type { RecordingSource } from '../renderer/model/replay/recording-loader.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'logs/large' },
    seeks: { type: 'string', default: '1000' },
    every: { type: 'string' },
  },
});
const dir = values.dir;
if (!fs.existsSync(path.join(dir, 'actions.jsonl'))) {
  console.log(`generating ${dir} …`);
  generateRecording({ out: dir, nodes: 200, events: 1_050_000, seed: 1 });
}

function sources(root: string): RecordingSource[] {
  return fs.readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => {
      const file = path.join(d.parentPath, d.name);
      return {
        name: path.relative(root, file),
        bytes: fs.statSync(file).size,
        // A Blob's stream, as a browser's File.stream() (and close to a fetch body): no Node stream adapter in between.
        stream: () => {
          let body: ReadableStreamDefaultReader<Uint8Array> | undefined;
          return new ReadableStream<Uint8Array>({
            async pull(controller) {
              body ??= (await fs.openAsBlob(file)).stream().getReader() as ReadableStreamDefaultReader<Uint8Array>;
              const { done, value } = await body.read();
              if (done) controller.close();
              else controller.enqueue(value);
            },
          }, new CountQueuingStrategy({ highWaterMark: 16 }));
        },
      };
    });
}

const gc = (globalThis as { gc?: () => void }).gc;
const used = (): number => {
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

const before = used();
let peak = 0;
const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const rec = await openRecording(sources(dir), values.every ? { snapshotEvery: Number(values.every) } : {});
const total = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
const after = used();
const { index } = rec;

console.log(`recording   ${dir}: ${index.length.toLocaleString('en')} events, ${rec.interner.ids.length} member ids, ` +
  `${rec.files.length} log files, ${mib(rec.bytes)}; skipped ${rec.report.skippedLines} lines; ${rec.failures.length} failures`);
// On a shared machine wall time includes waiting for a core; CPU time is what the open itself costs.
console.log(`open        ${(total / 1000).toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU  (stream+parse+merge ${(rec.timings.load / 1000).toFixed(2)} s, ` +
  `snapshots + failure analysis ${(rec.timings.index / 1000).toFixed(2)} s)`);
console.log(`snapshots   every ${index.every.toLocaleString('en')} events: ${index.snapshotCount} × ` +
  `${mib(index.snapshotBytes() / index.snapshotCount)} = ${mib(index.snapshotBytes())}`);
console.log(`memory      retained ${mib(after - before)} = ${((after - before) / rec.bytes).toFixed(2)}× the files' size ` +
  `(peak RSS ${mib(peak)})`);

const seeks = Number(values.seeks);
const cursor = index.cursor();
let seed = 42;
const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
const times: number[] = [];
for (let i = 0; i < seeks; i++) {
  const t = index.startTs + random() * (index.endTs - index.startTs);
  const s = performance.now();
  cursor.seek(t);
  times.push(performance.now() - s);
}
times.sort((a, b) => a - b);
console.log(`seek        ${seeks} random: p50 ${pct(times, 0.5).toFixed(2)} ms, p95 ${pct(times, 0.95).toFixed(2)} ms, ` +
  `max ${times.at(-1)!.toFixed(2)} ms`);
const steps: number[] = [];
for (let i = 0; i < 1000; i++) {
  const s = performance.now();
  cursor.seekPosition(cursor.position + 1);
  steps.push(performance.now() - s);
}
steps.sort((a, b) => a - b);
console.log(`step        1000 × next event: p50 ${pct(steps, 0.5).toFixed(3)} ms, p95 ${pct(steps, 0.95).toFixed(3)} ms`);
