// Area: name lookup on the runtime's own net — localhost, literals, unknown names.
import { expect } from 'chai';
import { NetError } from '@runtime-traits/core';
import type { Harness } from '../harness.js';
import { expectReject } from '../util.js';

const gate = { needs: ['net.dns' as const] };

export function dnsArea(h: Harness): void {
  h.describe('dns', () => {
    h.it('lookup(\'localhost\') includes 127.0.0.1', async (t) => {
      expect(await t.net.lookup('localhost')).to.include('127.0.0.1');
    }, gate);
    h.it('lookup() resolves to an array of address strings', async (t) => {
      const addresses = await t.net.lookup('localhost');
      expect(addresses).to.be.an('array').that.is.not.empty;
      for (const a of addresses) expect(a).to.be.a('string');
    }, gate);
    h.it('lookup() of an IPv4 literal gives that address', async (t) => {
      expect(await t.net.lookup('127.0.0.1')).to.deep.equal(['127.0.0.1']);
    }, gate);
    h.it('rejects an unknown host with NetError ENOTFOUND', async (t) => {
      await expectReject(t.net.lookup('no-such-host.invalid'), NetError, { code: 'ENOTFOUND' });
    }, gate);
    h.it('rejects connect() to an unknown host with NetError ENOTFOUND', async (t) => {
      await expectReject(t.net.connect({ host: 'no-such-host.invalid', port: 80 }), NetError, { code: 'ENOTFOUND' });
    }, { needs: ['net.dns', 'net.tcp'] });
    h.it('answers concurrent lookups', async (t) => {
      const all = await Promise.all(Array.from({ length: 10 }, () => t.net.lookup('localhost')));
      for (const a of all) expect(a).to.include('127.0.0.1');
    }, gate);
  });
}
