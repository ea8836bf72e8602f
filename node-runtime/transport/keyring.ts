// The cluster key ring, as memberlist's keyring.go: AES-256-GCM keys, the first (primary) seals everything sent,
// every installed key is tried to open what arrives, so a key can be rotated without downtime — install the new key
// everywhere, `use` it everywhere, remove the old one. Trust lives here, in the transport: the protocol core only
// ever sees opened bytes (ARCHITECTURE.md §5).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { UserError } from '../user-error.ts';

export const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every sealed box: a format version, so a later format can be told apart. */
const SEALED_V1 = 0x01;
export const SEAL_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

/** A fresh random key, base64 (what `hearsay keygen` prints). */
export function generateKey(): string {
  return crypto.randomBytes(KEY_BYTES).toString('base64');
}

/** A key as users write it: base64 of exactly 32 bytes. */
export function parseKey(text: string): Buffer {
  if (!isKey(text.trim())) {
    throw new UserError('usage', `not a cluster key: expected base64 of ${KEY_BYTES} bytes (hearsay keygen makes one)`);
  }
  return Buffer.from(text.trim(), 'base64');
}

export function isKey(text: string): boolean {
  const key = Buffer.from(text, 'base64');
  return key.length === KEY_BYTES && key.toString('base64') === text;
}

/** Short public name of a key (listing keys never shows them). */
export function keyFingerprint(key: Uint8Array): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export interface KeyringListing {
  /** Fingerprint of the key that seals what this node sends. */
  readonly primary: string;
  readonly keys: string[];
}

export class Keyring {
  private keys: Buffer[];

  /** `keys[0]` is the primary. `file`: where changes are written back, so a restarted node has the same ring. */
  constructor(keys: readonly Buffer[], private readonly file?: string) {
    if (keys.length === 0) throw new UserError('usage', 'a keyring needs at least one key');
    this.keys = dedupe(keys);
  }

  /** Reads a keyring file: one base64 key per line, the first is the primary; blank lines and # comments skipped. */
  static fromFile(file: string): Keyring {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new UserError('file', `cannot read the keyring ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
    if (lines.length === 0) throw new UserError('file', `the keyring ${file} holds no key`);
    return new Keyring(lines.map((line, i) => {
      try {
        return parseKey(line);
      } catch {
        throw new UserError('file', `${file}, key ${i + 1}: expected base64 of ${KEY_BYTES} bytes`);
      }
    }), file);
  }

  list(): KeyringListing {
    return { primary: keyFingerprint(this.keys[0]!), keys: this.keys.map(keyFingerprint) };
  }

  /** Adds a key that opens what arrives; sealing keeps the primary until `use`. */
  install(text: string): KeyringListing {
    this.keys = dedupe([...this.keys, parseKey(text)]);
    return this.changed();
  }

  /** Makes an installed key the primary. */
  use(text: string): KeyringListing {
    const key = parseKey(text);
    const at = this.indexOf(key);
    if (at < 0) throw new UserError('state', `key ${keyFingerprint(key)} is not installed (install it first)`);
    this.keys = [key, ...this.keys.filter((_, i) => i !== at)];
    return this.changed();
  }

  /** Removes a key that is not the primary. */
  remove(text: string): KeyringListing {
    const key = parseKey(text);
    const at = this.indexOf(key);
    if (at < 0) throw new UserError('state', `key ${keyFingerprint(key)} is not installed`);
    if (at === 0) throw new UserError('state', `key ${keyFingerprint(key)} is the primary: use another key first`);
    this.keys = this.keys.filter((_, i) => i !== at);
    return this.changed();
  }

  /** `[version][nonce][ciphertext][tag]`, with `aad` bound in (a label that keeps UDP and TCP boxes apart). */
  seal(plain: Uint8Array, aad: Uint8Array): Uint8Array {
    const nonce = crypto.randomBytes(NONCE_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.keys[0]!, nonce);
    cipher.setAAD(aad);
    const body = cipher.update(plain);
    cipher.final();
    return Buffer.concat([Buffer.of(SEALED_V1), nonce, body, cipher.getAuthTag()]);
  }

  /** The plaintext, or undefined when no installed key opens the box (forged, unkeyed, another cluster's, cut). */
  open(box: Uint8Array, aad: Uint8Array): Uint8Array | undefined {
    if (box.length < SEAL_OVERHEAD || box[0] !== SEALED_V1) return undefined;
    const nonce = box.subarray(1, 1 + NONCE_BYTES);
    const body = box.subarray(1 + NONCE_BYTES, box.length - TAG_BYTES);
    const tag = box.subarray(box.length - TAG_BYTES);
    for (const key of this.keys) {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      const plain = decipher.update(body);
      try {
        decipher.final();
        return plain;
      } catch {
        // Not this key: try the next.
      }
    }
    return undefined;
  }

  private indexOf(key: Buffer): number {
    return this.keys.findIndex((k) => k.equals(key));
  }

  private changed(): KeyringListing {
    if (this.file !== undefined) {
      const text = `${this.keys.map((k) => k.toString('base64')).join('\n')}\n`;
      // Written aside and renamed: a crash mid-write never leaves a ring without its keys; 0600: keys are secrets.
      const aside = `${this.file}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(aside, text, { mode: 0o600 });
        fs.renameSync(aside, this.file);
      } catch (err) {
        fs.rmSync(aside, { force: true });
        throw new UserError('file', `keyring changed in memory but not saved to ${this.file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
      }
    }
    return this.list();
  }
}

/** A ring of one key, from its text (what launch options and HEARSAY_KEY carry). */
export function keyringOf(text: string): Keyring {
  return new Keyring([parseKey(text)]);
}

function dedupe(keys: readonly Buffer[]): Buffer[] {
  return keys.filter((k, i) => keys.findIndex((other) => other.equals(k)) === i);
}
