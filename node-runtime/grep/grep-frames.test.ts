// The grep answer framing: data and trailer survive any split of the byte stream; garbage is an error, not a hang.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DATA, FrameDecoder, frameHeader, trailerFrame } from './grep-frames.ts';
import type { GrepTrailer } from './grep-frames.ts';

const trailer: GrepTrailer = { node: '127.0.0.1:1@1', files: ['a.log'], count: 2, exit: 0, truncated: false, timedOut: false, elapsedMs: 3 };

describe('FrameDecoder', () => {
  it('decodes data and the trailer however the stream is cut', () => {
    const payload = Buffer.from('a.log:T{x}\na.log:D\n');
    const stream = Buffer.concat([frameHeader(DATA, payload.length), payload, frameHeader(DATA, 0), trailerFrame(trailer)]);
    for (const step of [1, 2, 3, 7, stream.length]) {
      const data: Buffer[] = [];
      const decoder = new FrameDecoder((p) => data.push(Buffer.from(p)));
      for (let at = 0; at < stream.length; at += step) decoder.push(stream.subarray(at, at + step));
      assert.equal(Buffer.concat(data).toString(), payload.toString());
      assert.deepEqual(decoder.trailer, trailer);
    }
  });

  it('turns a listener refusal line into its message, and garbage into an error', () => {
    assert.throws(() => new FrameDecoder(() => {}).push(Buffer.from('{"ok":false,"error":"loopback only"}\n')), /refused: loopback only/);
    assert.throws(() => new FrameDecoder(() => {}).push(Buffer.from('XXXXXXXX')), /unknown frame type/);
    assert.throws(() => new FrameDecoder(() => {}).push(frameHeader(DATA, 1 << 30)), /frame of/);
  });
});
