import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UdpTransport } from './udp-transport.ts';

describe('UdpTransport', () => {
  it('counts sends that fail locally instead of throwing', async () => {
    const udp = await UdpTransport.bind('127.0.0.1', 21270, () => undefined, () => 0);
    try {
      udp.send('not an address', new Uint8Array(4));
      udp.send('127.0.0.1:0', new Uint8Array(4));
      assert.equal(udp.sendErrors, 2);
    } finally {
      await udp.close();
    }
    udp.send('127.0.0.1:21271', new Uint8Array(4));
    assert.equal(udp.sendErrors, 3, 'after close');
  });
});
