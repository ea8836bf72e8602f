import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { UserError } from '../user-error.ts';
import { generateKey, keyFingerprint, Keyring, parseKey, SEAL_OVERHEAD } from './keyring.ts';
import { HELLO_FRESH_MS, HelloOpener, openLine, sealHello, sealLine } from './sealed-hello.ts';

const AAD = Buffer.from('test');
const ring = (...keys: string[]): Keyring => new Keyring(keys.map(parseKey));

describe('Keyring', () => {
  const k1 = generateKey();
  const k2 = generateKey();

  it('opens what it sealed; refuses another key, another label, a flipped bit, a cut box, plain bytes', () => {
    const a = ring(k1);
    const box = a.seal(Buffer.from('hello'), AAD);
    assert.equal(box.length, 5 + SEAL_OVERHEAD);
    assert.equal(Buffer.from(a.open(box, AAD)!).toString(), 'hello');
    assert.equal(ring(k2).open(box, AAD), undefined, 'another cluster');
    assert.equal(a.open(box, Buffer.from('other')), undefined, 'another label');
    for (let i = 0; i < box.length; i++) {
      const flipped = Buffer.from(box);
      flipped[i]! ^= 0x01;
      assert.equal(a.open(flipped, AAD), undefined, `bit flipped at ${i}`);
    }
    assert.equal(a.open(box.subarray(0, box.length - 1), AAD), undefined);
    assert.equal(a.open(Buffer.from('plain unkeyed datagram bytes, long enough'), AAD), undefined);
  });

  it('rotation: install opens both, use switches what seals, remove refuses the primary', () => {
    const a = ring(k1);
    const oldBox = a.seal(Buffer.from('x'), AAD);
    assert.deepEqual(a.install(k2).keys, [keyFingerprint(parseKey(k1)), keyFingerprint(parseKey(k2))]);
    assert.equal(a.use(k2).primary, keyFingerprint(parseKey(k2)));
    assert.ok(a.open(oldBox, AAD), 'old key still opens until removed');
    assert.ok(ring(k2).open(a.seal(Buffer.from('x'), AAD), AAD), 'sealed with the new primary');
    assert.throws(() => a.remove(k2), (e) => e instanceof UserError && e.code === 'state' && /primary/.test(e.message));
    a.remove(k1);
    assert.equal(a.open(oldBox, AAD), undefined, 'removed key opens nothing');
    assert.throws(() => a.use(k1), (e) => e instanceof UserError && e.code === 'state');
    assert.throws(() => parseKey('c2hvcnQ='), (e) => e instanceof UserError && e.code === 'usage');
  });

  it('a keyring file is read, and changes are saved back to it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearsay-keys-'));
    try {
      const file = path.join(dir, 'keyring');
      fs.writeFileSync(file, `# cluster keys\n${k1}\n\n`);
      const a = Keyring.fromFile(file);
      a.install(k2);
      a.use(k2);
      assert.deepEqual(fs.readFileSync(file, 'utf8').trim().split('\n'), [k2, k1]);
      assert.equal(fs.statSync(file).mode & 0o077, 0, 'not readable by others');
      fs.writeFileSync(file, 'not a key\n');
      assert.throws(() => Keyring.fromFile(file), (e) => e instanceof UserError && e.code === 'file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sealed hellos', () => {
  const key = generateKey();

  it('open once; a replay, a stale or future clock, another key and an unsealed hello are refused', () => {
    const opener = new HelloOpener(ring(key));
    const now = 1_800_000_000_000;
    const hello = sealHello({ v: 1, type: 'ctl', command: 'leave', args: [] }, ring(key), now);
    const opened = opener.open(hello, now + 5);
    assert.ok(opened.ok);
    assert.deepEqual(opened.hello, { v: 1, type: 'ctl', command: 'leave', args: [], ts: now });
    assert.deepEqual(opener.open(hello, now + 10), { ok: false, error: 'replayed hello' });
    assert.match(String((opener.open(sealHello({ v: 1 }, ring(key), now - HELLO_FRESH_MS - 1), now) as { error: string }).error), /stale/);
    assert.match(String((opener.open(sealHello({ v: 1 }, ring(key), now + HELLO_FRESH_MS + 1), now) as { error: string }).error), /stale/);
    assert.match(String((opener.open(sealHello({ v: 1 }, ring(generateKey()), now), now) as { error: string }).error), /authentication failed/);
    assert.match(String((opener.open({ v: 1, type: 'ctl', command: 'leave' }, now) as { error: string }).error), /requires authenticated/);
  });

  it('a sealed line opens only with the key', () => {
    const sealed = sealLine({ ok: true, n: 1 }, ring(key));
    assert.deepEqual(openLine(sealed, ring(key)), { ok: true, n: 1 });
    assert.equal(openLine(sealed, ring(generateKey())), undefined);
    assert.equal(openLine({ ok: true, n: 1 }, ring(key)), undefined);
  });
});
