// The truth audit (issue 8 §1): under a chaos schedule — kill, pause and resume, suspicion on and off, leave,
// restart, add, 85 % drop on every node then 0 (nodes rejoin under new versions), a page reload and a forced
// WebSocket reconnect in the middle — what the page holds (window.__hearsay.lists(), the matrix's rows) is compared
// at ≥ 20 random instants with what every running node answers to `list_mem` over its control channel, for process
// and embedded clusters alike. Each comparison is made at the instant it is about (docs/app.md, "Truth audit"):
// - Exact: the test follows the host's stream itself (its own subscription, folded by the same LiveStore) and keeps
//   the rows it holds at every seq. Every page sample with nothing left to apply must equal the host's state at the
//   page's own seq, triple for triple: no tolerance at all.
// - Within 1 s: a node answers at some instant between the request being sent and the reply arriving. Each triple it
//   answers (and each the host holds for that observer, and any row left for an old id at its address) must be held
//   by some host state from the one in force when the request was sent up to one the page had taken in by 1 s after
//   the reply: the answer's own span brackets the instant it stands for; the page's sampled progress bounds the rest.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { controlRequest } from '../node-runtime/control/client.ts';
import type { ListMemResult } from '../node-runtime/control/commands.ts';
import { createRng } from '../node-runtime/protocol/rng.ts';
import type { HostMessage, HostRequest } from '../electron/host/api.ts';
import { hookState, screenshot } from './hearsay-page.ts';
import { HostStates, rowsOf } from './host-states.ts';
import type { Rows } from './host-states.ts';

const SHELL = 'ws://127.0.0.1:23900/ws';
const AGREE_WITHIN_MS = 1000;
const LIST_TIMEOUT_MS = 400;
/** Pause between page samples: a state the page shows for 1 s is caught many times. */
const SAMPLE_EVERY_MS = 20;
/** The host states kept by seq: a page is never this far behind the test's own subscription. */
const SEQS_KEPT = 5000;

/** The host API from the test's side, over the shell's WebSocket (the token the config hands the shell), with a
 *  subscription of its own: the host's view folded as the page folds it, and the rows it holds at every seq. */
class HostClient {
  /** The host's states at every seq and within each delta (the page's lag behind the host is measured against when
   *  each seq reached this test). */
  readonly states = new HostStates(SEQS_KEPT);
  private next = 1;
  private stream = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { id?: number; ok?: boolean; result?: unknown; error?: string; sub?: number; push?: HostMessage };
      if (f.sub !== undefined && f.push !== undefined) return this.follow(f.sub, f.push);
      const w = f.id === undefined ? undefined : this.waiting.get(f.id);
      if (!w) return;
      this.waiting.delete(f.id!);
      if (f.ok) w.resolve(f.result);
      else w.reject(new Error(f.error));
    });
    ws.send(JSON.stringify({ subscribe: this.stream }));
  }

  static async open(): Promise<HostClient> {
    const ws = new WebSocket(`${SHELL}?token=${process.env.HEARSAY_SHELL_TOKEN}`);
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    return new HostClient(ws);
  }

  request(request: HostRequest): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.next++;
      this.waiting.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ id, request }));
    });
  }

  close(): void {
    this.ws.close();
  }

  private follow(sub: number, message: HostMessage): void {
    if (sub !== this.stream || this.states.receive(message, Date.now()) === 'ok') return;
    // As follow-view.ts does: a gap is answered with a new subscription, which opens with a snapshot.
    this.ws.send(JSON.stringify({ unsubscribe: this.stream }));
    this.ws.send(JSON.stringify({ subscribe: ++this.stream }));
  }
}

interface PageSample { at: number; seq: number; backlog: number; rows: Rows }

async function pageSample(page: Page): Promise<PageSample> {
  const s = await page.evaluate(() => {
    const hook = (window as unknown as { __hearsay: {
      state(): { sync: { seq: number }; backlog: number };
      lists(): { observer: string; members: { member: string; status: string }[] }[];
    } }).__hearsay;
    const state = hook.state();
    return { at: Date.now(), seq: state.sync.seq, backlog: state.backlog, lists: hook.lists() };
  });
  // The page's own clock (the machine's): the instant the sample was taken, not when a busy page got round to replying.
  return { at: s.at, seq: s.seq, backlog: s.backlog, rows: rowsOf(s.lists) };
}

interface Answer { address: string; self: string; sent: number; received: number; rows: Rows }

const addressOf = (id: string): string => id.split('@')[0]!;

/** What one instant measured, for the test's annotation. */
interface Measured { pairs: number; exact: number; inside: number; slowestMs: number; bracketMs: number; pageLagMs: number }

/** The page at `sample.seq` against the host's state at that seq: equal, or the error says where they differ. */
function exactDiff(sample: PageSample, host: Rows): string | undefined {
  const diffs: string[] = [];
  for (const k of new Set([...sample.rows.keys(), ...host.keys()])) {
    if (sample.rows.get(k) !== host.get(k)) diffs.push(`  ${k}: host ${host.get(k) ?? 'not listed'}, page ${sample.rows.get(k) ?? 'not listed'}`);
  }
  return diffs.length === 0 ? undefined : `page at seq ${sample.seq} differs from the host's state at that seq:\n${diffs.slice(0, 8).join('\n')}`;
}

/** The last seq that had reached the test by `t` (the host's state at that instant). */
function seqAt(host: HostClient, t: number): number {
  let seq = -1;
  for (const [s, at] of host.states.arrivedAt) if (at <= t && s > seq) seq = s;
  return seq;
}

/** `inside`: held only inside a delta, by no state a delta ends in. */
interface Triple { key: string; expect: string | undefined; answer: Answer; shownAt: number | undefined; inside: boolean }

/** For each answer, the triples it or the host holds for its observer (and any other row the host holds for its
 *  address: an old id that must go). A triple agrees when some host state from the one in force when the request was
 *  sent up to one the page had taken in (settled) by 1 s after the reply holds the node's value — a state any event
 *  of a later delta left, not only one a delta ends in (host-states.ts); `shownAt` is when the page was first seen
 *  past that delta. */
function agreement(host: HostClient, answers: readonly Answer[], samples: readonly PageSample[]): Triple[] {
  const out: Triple[] = [];
  for (const a of answers) {
    const from = seqAt(host, a.sent);
    const settled = samples.filter((s) => s.backlog === 0 && s.at <= a.received + AGREE_WITHIN_MS);
    const states: { seq: number; rows: Rows }[] = [];
    for (const [seq, rows] of host.states.rowsAt) if (seq >= from && seq <= Math.max(-1, ...settled.map((s) => s.seq))) states.push({ seq, rows });
    const keys = new Set(a.rows.keys());
    for (const { rows } of states) {
      for (const k of rows.keys()) {
        const observer = k.slice(0, k.indexOf(' '));
        if (observer === a.self) keys.add(k);
        else if (addressOf(observer) === a.address) keys.add(`${observer} *`);
      }
    }
    for (const key of keys) {
      const expect = a.rows.get(key);
      // The one in force at the request is its delta's end; inside a later delta, any state it passed through.
      const state = states.find((st) => (st.seq === from ? st.rows.get(key) === expect : host.states.holds(st.seq, key, expect)));
      const inside = state !== undefined && !states.some((st) => st.rows.get(key) === expect);
      out.push({ key, expect, answer: a, shownAt: state && settled.find((s) => s.seq >= state.seq)?.at, inside });
    }
  }
  return out;
}

/** One audited instant: asks every running node for its list and samples the page meanwhile and after, until every
 *  triple has been shown or 1 s has passed since the last reply. Throws on any exact mismatch or unshown triple. */
async function audit(page: Page, host: HostClient, label: string): Promise<Measured> {
  const sent = Date.now();
  const running = host.states.store.nodes.filter((n) => n.state === 'running');
  const answers: Answer[] = [];
  let replied = false;
  // A paused process cannot answer: its row is left out of this instant (the others' view of it is not).
  const asked = Promise.all(running.map(async (n) => {
    const a = await controlRequest(n.address, 'list_mem', [], { timeoutMs: LIST_TIMEOUT_MS }).catch(() => undefined) as ListMemResult | undefined;
    if (!a) return;
    const rows: Rows = new Map([[`${a.self} *`, 'row']]);
    for (const m of a.members) rows.set(`${a.self} ${m.id}`, m.status);
    answers.push({ address: n.address, self: a.self, sent, received: Date.now(), rows });
  })).then(() => { replied = true; });
  const samples: PageSample[] = [];
  let exact = 0;
  for (;;) {
    samples.push(await pageSample(page));
    const result = agreement(host, answers, samples);
    const unshown = result.filter((r) => r.shownAt === undefined);
    const lastReply = Math.max(sent, ...answers.map((a) => a.received));
    if (!replied || (unshown.length > 0 && Date.now() <= lastReply + AGREE_WITHIN_MS)) {
      // Pacing the samples, not waiting for a condition: the loop ends on the replies and the deadline above.
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
      continue;
    }
    await asked;
    // Exact: every settled sample against the host's state at its seq (the test's stream has it by now, or the
    // page is ahead of it — then that sample is not judged).
    let pageLagMs = 0;
    for (const s of samples) {
      const hostRows = host.states.rowsAt.get(s.seq);
      if (s.backlog !== 0 || hostRows === undefined) continue;
      const diff = exactDiff(s, hostRows);
      if (diff !== undefined) throw new Error(`${label}: ${diff}`);
      exact++;
      const newer = host.states.arrivedAt.get(s.seq + 1);
      if (newer !== undefined && newer < s.at) pageLagMs = Math.max(pageLagMs, s.at - newer);
    }
    if (unshown.length > 0) {
      const sample = unshown.slice(0, 8).map((r) => {
        const held = [...host.states.rowsAt].filter(([seq]) => seq >= seqAt(host, r.answer.sent)).map(([, rows]) => rows.get(r.key) ?? 'not listed');
        return `  ${r.key}: node says ${r.expect ?? 'not listed'} (answered within ${r.answer.received - r.answer.sent} ms), ` +
          `host held ${[...new Set(held)].join(' then ')}; page reached seq ${Math.max(...samples.map((s) => s.seq))}`;
      }).join('\n');
      // Where the page stood: its samples and the host's last seqs, in ms after the requests were sent.
      const progress = `page samples [ms, seq, backlog] ${JSON.stringify(samples.map((x) => [x.at - sent, x.seq, x.backlog]))}; ` +
        `host seqs [seq, ms] ${JSON.stringify([...host.states.arrivedAt].slice(-12).map(([q, t]) => [q, t - sent]))}`;
      throw new Error(`${label}: ${unshown.length} of ${result.length} (observer, member) triples not shown within 1 s of the node's answer:\n${sample}\n${progress}`);
    }
    return {
      pairs: result.length,
      exact,
      inside: result.filter((r) => r.inside).length,
      slowestMs: Math.max(0, ...result.map((r) => r.shownAt! - r.answer.received)),
      bracketMs: Math.max(...answers.map((a) => a.received - a.sent)),
      pageLagMs,
    };
  }
}

for (const mode of ['process', 'embedded'] as const) {
  test(`truth audit, ${mode} cluster: the page's lists agree with every node's list_mem through chaos`, async ({ page }) => {
    test.setTimeout(180_000);
    const nodes = mode === 'process' ? 6 : 8;
    const rng = createRng(mode === 'process' ? 7 : 11);
    const host = await HostClient.open();
    const results: string[] = [];
    const worst = { slowestMs: 0, bracketMs: 0, pageLagMs: 0 };
    let instants = 0;
    const at = async (label: string, times = 1): Promise<void> => {
      for (let i = 0; i < times; i++) {
        // A random instant: 0.1–0.9 s after the last step (or the last audit).
        await page.waitForTimeout(100 + Math.floor(rng.next() * 800));
        const m = await audit(page, host, label);
        results.push(`${label}: ${m.pairs} triples${m.inside > 0 ? ` (${m.inside} held only inside a delta)` : ''}, ${m.exact} exact`);
        for (const k of ['slowestMs', 'bracketMs', 'pageLagMs'] as const) worst[k] = Math.max(worst[k], m[k]);
        instants++;
      }
    };
    const act = (action: 'kill' | 'pause' | 'resume' | 'leave' | 'restart', i: number) =>
      host.request({ type: 'node-action', action, address: `127.0.0.1:${base + i}` });
    let base = 0;
    try {
      await page.goto('/');
      const launched = await host.request({ type: 'launch', options: { nodes, mode, suspicion: false, dropRate: 0 } }) as { nodes: { address: string }[] };
      base = Number(launched.nodes[0]!.address.split(':')[1]);
      await expect.poll(async () => {
        const s = await hookState(page);
        return s.nodes.filter((n) => n.majority === 'alive' && n.tally.alive === nodes - 1).length;
      }, { timeout: 30_000, message: `all ${nodes} nodes alive in every list` }).toBe(nodes);
      await at('converged', 2);
      await act('kill', 2);
      await at('after a kill', 2);
      await host.request({ type: 'set-suspicion', enabled: true });
      await at('suspicion on');
      await act('pause', 3);
      await at('while paused');
      await act('resume', 3);
      await at('after resume');
      await act('leave', 4);
      await at('after a leave');
      await act('restart', 2);
      await at('after a restart');
      await host.request({ type: 'add-node' });
      await at('after an add');
      await page.reload();
      await at('after a reload', 2);
      await host.request({ type: 'set-drop', rate: 0.85 });
      await page.waitForTimeout(2500);
      await at('85 % drop everywhere', 2);
      await host.request({ type: 'set-drop', rate: 0 });
      await at('drop back to 0: rejoins under new versions', 3);
      await page.evaluate(() => (window as unknown as { __hearsay: { dropConnection(): void } }).__hearsay.dropConnection());
      await at('after a forced reconnect', 2);
      await host.request({ type: 'set-suspicion', enabled: false });
      await at('suspicion off', 2);
      await screenshot(page, `truth-audit-${mode}`);
      const sync = (await page.evaluate(() => (window as unknown as { __hearsay: { state(): { sync: unknown } } }).__hearsay.state().sync));
      test.info().annotations.push({ type: 'audit', description: `${instants} instants; ${results.join('; ')}; ` +
        `slowest triple shown ${worst.slowestMs} ms after its answer; widest answer bracket ${worst.bracketMs} ms; ` +
        `page at most ${worst.pageLagMs} ms behind the host; sync ${JSON.stringify(sync)}` });
      expect(instants).toBeGreaterThanOrEqual(20);
    } finally {
      await host.request({ type: 'stop-cluster' }).catch(() => undefined);
      host.close();
    }
  });
}
