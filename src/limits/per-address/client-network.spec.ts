import { clientNetwork } from './client-network';

describe(clientNetwork.name, () => {
  it.each([
    ['203.0.113.7', '203.0.113.0/24'],
    ['203.0.113.200', '203.0.113.0/24'],
    ['198.51.100.20', '198.51.100.0/24'],
    ['::ffff:203.0.113.7', '203.0.113.0/24'],
    ['2001:db8:1:2::1', '2001:db8:1:0::/56'],
    ['2001:0db8:0001:0002:ffff::9', '2001:db8:1:0::/56'],
    ['2001:db8:1:ff::1', '2001:db8:1:0::/56'],
    ['2001:db8:1:1234::1', '2001:db8:1:1200::/56'],
    ['2001:db8:1:12ff:ffff:ffff:ffff:ffff', '2001:db8:1:1200::/56'],
    ['2001:db8::1', '2001:db8:0:0::/56'],
    ['::1', '0:0:0:0::/56'],
    ['fe80::1%eth0', 'fe80:0:0:0::/56'],
    ['2001:db8:1:2:3:4:1.2.3.4', '2001:db8:1:0::/56'],
    ['not-an-ip', 'not-an-ip'],
  ])('should put %s in %s', (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });

  it('should put neighbouring /24s and /56s apart', () => {
    expect(clientNetwork('203.0.113.7')).not.toBe(clientNetwork('203.0.114.7'));
    expect(clientNetwork('2001:db8:1:2ff::1')).not.toBe(clientNetwork('2001:db8:1:300::1'));
  });

  it('should put the 256 /64s of one customer’s /56 in one network', () => {
    const networks = new Set(
      Array.from({ length: 256 }, (_, n) => clientNetwork(`2001:db8:1:${n.toString(16)}::1`)),
    );
    expect([...networks]).toEqual(['2001:db8:1:0::/56']);
  });
});
