// Server side of the control channel (docs/control-channel.md): `ctl` runs one command (control/commands.ts) and
// replies one line; `subscribe` streams the node's membership events (or, with `lines`, what its console prints) and,
// every second, its stats.
import type net from 'node:net';
import * as v from 'valibot';
import type { MembershipNode } from '../node/membership-node.ts';
import { UserError } from '../user-error.ts';
import { writeLine } from '../transport/json-lines.ts';
import type { Hello, TcpListener } from '../transport/tcp-listener.ts';
import { MAX_BLOCKED, memberJson, runCommand } from '../control/commands.ts';
import { TraceSampler } from '../protocol/trace.ts';

const CtlHelloSchema = v.object({
  v: v.literal(1),
  type: v.literal('ctl'),
  command: v.pipe(v.string(), v.maxLength(64)),
  // partition takes one address per peer; the hello's 1 MiB bounds the rest.
  args: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(1024))), v.maxLength(MAX_BLOCKED)), []),
});

const SubscribeHelloSchema = v.object({
  v: v.literal(1), type: v.literal('subscribe'), trace: v.optional(v.boolean(), false), lines: v.optional(v.boolean(), false),
});

/** Traces go out in batches this often, at most TRACES_PER_BATCH each (news and drops first): a sample, with a count
 *  of what was left out, so a watcher of a busy node is not flooded. */
const TRACE_BATCH_MS = 100;
const TRACES_PER_BATCH = 25;

/** A watcher that stops reading is cut off rather than buffered without bound. */
const MAX_SUBSCRIBER_BACKLOG = 8 << 20;
const STATS_INTERVAL_MS = 1000;

export function serveControl(node: MembershipNode, listener: TcpListener): void {
  listener.handle('ctl', (hello, socket) => void serveCtl(hello, socket, node, () => listener.countMalformed()));
  listener.handle('subscribe', (hello, socket) => {
    const parsed = v.safeParse(SubscribeHelloSchema, hello);
    serveSubscribe(socket, node, parsed.success && parsed.output.trace, parsed.success && parsed.output.lines);
  });
}

async function serveCtl(hello: Hello, socket: net.Socket, node: MembershipNode, onMalformed: () => void): Promise<void> {
  const parsed = v.safeParse(CtlHelloSchema, hello);
  let reply: unknown;
  if (!parsed.success) {
    onMalformed();
    reply = { ok: false, error: 'malformed ctl request: expected {"v":1,"type":"ctl","command":string,"args":[string]}' };
  } else {
    try {
      reply = { ok: true, result: await runCommand(node, parsed.output.command, parsed.output.args) };
    } catch (err) {
      reply = { ok: false, error: err instanceof UserError ? err.message : `internal error: ${(err as Error).message}` };
    }
  }
  writeLine(socket, reply);
  socket.end();
}

/** `lines`: a person watches (`hearsay cluster`): the events the node's log and console show, and its notices, so
 *  members new from one sender past the log's limit are summed up, not listed (issue 9); otherwise every event, as
 *  a view needs them all. */
function serveSubscribe(socket: net.Socket, node: MembershipNode, trace: boolean, lines: boolean): void {
  const send = (message: unknown): void => {
    if (socket.writableLength > MAX_SUBSCRIBER_BACKLOG) socket.destroy();
    else writeLine(socket, message);
  };
  send({ type: 'hello', self: node.id, members: memberJson(node) });
  const offs = lines
    ? [node.on('line', (e) => send({ type: 'event', ...e })), node.on('notice', (message) => send({ type: 'notice', message }))]
    : [node.on('event', (e) => send({ type: 'event', ...e }))];
  // The protocol in force rides along: a watcher (the app) shows the mode the node runs, not the one it asked for.
  const timer = setInterval(() => send({ type: 'stats', ...node.stats(), protocol: node.mode() }), STATS_INTERVAL_MS);
  const stopTrace = trace ? streamTraces(node, send) : () => undefined;
  socket.on('close', () => {
    for (const off of offs) off();
    clearInterval(timer);
    stopTrace();
  });
  // Read (and ignore) whatever the watcher sends, so its end is noticed.
  socket.on('data', () => undefined);
  socket.on('end', () => socket.end());
  socket.resume();
}

/** Samples the node's traces into batches (`{"type":"traces","traces":[…],"unsampled":n}`); returns the stop. */
function streamTraces(node: MembershipNode, send: (message: unknown) => void): () => void {
  const sampler = new TraceSampler(TRACES_PER_BATCH);
  const off = node.on('trace', (t) => sampler.add(t));
  const timer = setInterval(() => {
    const batch = sampler.take();
    if (batch) send({ type: 'traces', ...batch });
  }, TRACE_BATCH_MS);
  return () => {
    off();
    clearInterval(timer);
  };
}
