// Authenticated TCP hellos for keyed clusters. A keyed client sends `{"v":1,"type":"sealed","box":base64}`, where
// the box (keyring.ts) opens to the real hello plus `ts`, its wall-clock send time. The listener opens it with any
// installed key, refuses one older or newer than HELLO_FRESH_MS, and remembers the nonces it saw within that window,
// so a captured hello (a `leave`, a `join`) cannot be replayed. The join reply is sealed the same way (sealLine).
import * as v from 'valibot';
import type { Keyring } from './keyring.ts';

const HELLO_AAD = Buffer.from('hearsay/hello/1');
const LINE_AAD = Buffer.from('hearsay/line/1');
/** How far a hello's clock may be from ours: covers clock skew between hosts and a slow connect. */
export const HELLO_FRESH_MS = 60_000;
/** Bound of the replay memory: more fresh hellos than this within the window are refused, never remembered. */
export const MAX_REMEMBERED_HELLOS = 20_000;

const SealedSchema = v.object({ v: v.literal(1), type: v.literal('sealed'), box: v.pipe(v.string(), v.maxLength(1 << 21)) });
const TimedSchema = v.looseObject({ ts: v.pipe(v.number(), v.integer()) });

export function sealHello(hello: object, keyring: Keyring, now = Date.now()): { v: 1; type: 'sealed'; box: string } {
  const inner = Buffer.from(JSON.stringify({ ...hello, ts: now }));
  return { v: 1, type: 'sealed', box: Buffer.from(keyring.seal(inner, HELLO_AAD)).toString('base64') };
}

/** A reply line sealed as a whole (the join reply carries the membership list the joiner adopts). */
export function sealLine(value: unknown, keyring: Keyring): unknown {
  return { sealed: Buffer.from(keyring.seal(Buffer.from(JSON.stringify(value)), LINE_AAD)).toString('base64') };
}

/** The value inside a sealed line, or undefined when it is not one or no key opens it. */
export function openLine(value: unknown, keyring: Keyring): unknown {
  const parsed = v.safeParse(v.object({ sealed: v.string() }), value);
  if (!parsed.success) return undefined;
  const plain = keyring.open(Buffer.from(parsed.output.sealed, 'base64'), LINE_AAD);
  if (plain === undefined) return undefined;
  try {
    return JSON.parse(Buffer.from(plain).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export type OpenedHello = { ok: true; hello: unknown } | { ok: false; error: string };

/** The listener's side: opens sealed hellos and refuses stale or replayed ones. */
export class HelloOpener {
  /** Nonce (hex) → when we saw it. A replay passes the freshness check only until ts + HELLO_FRESH_MS, at most
   *  2 × HELLO_FRESH_MS after we first saw it; so that long is remembered. Insertion order is age order. */
  private readonly seen = new Map<string, number>();

  constructor(private readonly keyring: Keyring) {}

  open(hello: unknown, now = Date.now()): OpenedHello {
    const sealed = v.safeParse(SealedSchema, hello);
    if (!sealed.success) return { ok: false, error: 'this node requires authenticated hellos (start the client with the cluster key)' };
    const box = Buffer.from(sealed.output.box, 'base64');
    const plain = this.keyring.open(box, HELLO_AAD);
    if (plain === undefined) return { ok: false, error: 'authentication failed (not sealed with a key of this cluster)' };
    let inner: unknown;
    try {
      inner = JSON.parse(Buffer.from(plain).toString('utf8'));
    } catch {
      return { ok: false, error: 'authentication failed (sealed hello is not JSON)' };
    }
    const timed = v.safeParse(TimedSchema, inner);
    if (!timed.success || Math.abs(now - timed.output.ts) > HELLO_FRESH_MS) {
      return { ok: false, error: `stale hello: its clock is more than ${HELLO_FRESH_MS / 1000} s from this node's` };
    }
    this.forgetSeenBefore(now - 2 * HELLO_FRESH_MS);
    const nonce = box.subarray(1, 13).toString('hex');
    if (this.seen.has(nonce)) return { ok: false, error: 'replayed hello' };
    if (this.seen.size >= MAX_REMEMBERED_HELLOS) return { ok: false, error: 'too many hellos: try again shortly' };
    this.seen.set(nonce, now);
    return { ok: true, hello: inner };
  }

  private forgetSeenBefore(cutoff: number): void {
    for (const [nonce, at] of this.seen) {
      if (at >= cutoff) break;
      this.seen.delete(nonce);
    }
  }
}
