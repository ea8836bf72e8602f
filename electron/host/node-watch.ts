// Watches one node through its control channel (`subscribe`): the opening snapshot becomes events
// (snapshot-events.ts), then events and stats flow as they happen. While a node is still booting its port refuses
// connections, so the first connection is retried until a deadline. Lines that fail validation are counted by the
// control client; the watch reports them as they grow.
import { subscribe } from '../../node-runtime/control/client.ts';
import type { StreamMessage, Subscription } from '../../node-runtime/control/client.ts';
import type { Keyring } from '../../node-runtime/transport/keyring.ts';
import type { Address, MemberId, MembershipEvent, NodeStats, Trace } from './api.ts';
import { snapshotEvents } from './snapshot-events.ts';

export interface NodeWatchSink {
  hello(self: MemberId, members: readonly { id: MemberId; address: Address }[]): void;
  events(events: readonly MembershipEvent[]): void;
  stats(stats: NodeStats): void;
  malformed(count: number): void;
  /** With it, the node streams its sampled message traces too. */
  traces?(traces: readonly Trace[], unsampled: number): void;
  /** The stream ended after its hello (node gone, connection broken, or `close()`d: then without an error). */
  closed(error?: Error): void;
}

const RETRY_MS = 100;

export class NodeWatch {
  private subscription: (Subscription & { readonly malformed: number }) | undefined;
  private reportedMalformed = 0;
  private self: MemberId | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Resolves with the node's id at its hello; rejects if no hello came before the deadline. */
  readonly ready: Promise<MemberId>;
  private settle!: { resolve: (id: MemberId) => void; reject: (err: Error) => void };

  constructor(
    readonly address: Address,
    private readonly sink: NodeWatchSink,
    connectTimeoutMs: number,
    private readonly keyring?: Keyring,
  ) {
    this.ready = new Promise((resolve, reject) => { this.settle = { resolve, reject }; });
    this.ready.catch(() => { /* callers that do not await readiness must not see an unhandled rejection */ });
    this.connect(Date.now() + connectTimeoutMs);
  }

  get id(): MemberId | undefined {
    return this.self;
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.subscription?.close();
    this.settle.reject(new Error(`stopped watching ${this.address}`));
  }

  private connect(deadline: number): void {
    let greeted = false;
    this.reportedMalformed = 0;
    this.subscription = subscribe(this.address, {
      timeoutMs: Math.max(deadline - Date.now(), 100),
      keyring: this.keyring,
      trace: this.sink.traces !== undefined,
      onMessage: (m) => {
        if (m.type === 'hello') greeted = true;
        this.onMessage(m);
      },
      onClose: (error) => {
        this.reportMalformed();
        if (greeted || this.stopped) {
          if (greeted) this.sink.closed(this.stopped ? undefined : error);
          return;
        }
        if (Date.now() >= deadline) {
          this.settle.reject(error ?? new Error(`${this.address} closed the stream before its hello`));
          return;
        }
        this.retryTimer = setTimeout(() => this.connect(deadline), RETRY_MS);
      },
    });
  }

  private onMessage(m: StreamMessage): void {
    this.reportMalformed();
    switch (m.type) {
      case 'hello':
        this.self = m.self;
        this.sink.hello(m.self, m.members);
        this.sink.events(snapshotEvents(m.self, m.members, Date.now()));
        this.settle.resolve(m.self);
        break;
      case 'event': {
        const { type: _type, ...event } = m;
        // A node reborn under a new version (declared failed, or rejoined after leave) streams on with a new id.
        if (event.event === 'start' && event.node === event.member) this.self = event.node;
        this.sink.events([event]);
        break;
      }
      case 'stats':
        this.sink.stats({
          address: this.address, bytesInPerSec: m.bytesInPerSec, bytesOutPerSec: m.bytesOutPerSec,
          dropped: m.dropped, malformed: m.malformed, blockedIn: m.blockedIn, blockedOut: m.blockedOut,
          ...(m.protocol && { protocol: m.protocol }),
        });
        break;
      case 'traces':
        this.sink.traces?.(m.traces, m.unsampled);
        break;
    }
  }

  private reportMalformed(): void {
    const total = this.subscription?.malformed ?? 0;
    if (total > this.reportedMalformed) {
      this.sink.malformed(total - this.reportedMalformed);
      this.reportedMalformed = total;
    }
  }
}
