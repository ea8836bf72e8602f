import assert from 'node:assert/strict';
import type net from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { readLines } from './json-lines.ts';

describe('readLines', () => {
  it('keeps a multi-byte character whose bytes are split across chunks whole', () => {
    const socket = new PassThrough();
    const lines: string[] = [];
    readLines(socket as unknown as net.Socket, (line) => lines.push(line));
    const bytes = Buffer.from('{"m":"é€😀"}\nnext\n', 'utf8');
    // One byte per chunk: every character of 2, 3 and 4 bytes is cut.
    for (let i = 0; i < bytes.length; i++) socket.write(bytes.subarray(i, i + 1));
    assert.deepEqual(lines, ['{"m":"é€😀"}', 'next']);
  });

  it('several lines in one chunk, and a line over the bound ends the stream', () => {
    const socket = new PassThrough();
    const lines: string[] = [];
    let overflow = false;
    readLines(socket as unknown as net.Socket, (line) => lines.push(line), { maxBytes: 8, onOverflow: () => { overflow = true; } });
    socket.write('a\nb\nc');
    assert.deepEqual(lines, ['a', 'b']);
    socket.write('0123456789');
    assert.ok(overflow && socket.destroyed);
  });
});
