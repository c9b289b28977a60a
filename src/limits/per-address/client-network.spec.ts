import { clientNetwork } from './client-network';

describe(clientNetwork.name, () => {
  it.each([
    ['203.0.113.7', '203.0.113.0/24'],
    ['203.0.113.200', '203.0.113.0/24'],
    ['198.51.100.20', '198.51.100.0/24'],
    ['::ffff:203.0.113.7', '203.0.113.0/24'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff::9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['2001:db8:1:2:3:4:1.2.3.4', '2001:db8:1:2::/64'],
    ['not-an-ip', 'not-an-ip'],
  ])('should put %s in %s', (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });

  it('should put neighbouring /24s and /64s apart', () => {
    expect(clientNetwork('203.0.113.7')).not.toBe(clientNetwork('203.0.114.7'));
    expect(clientNetwork('2001:db8:1:2::1')).not.toBe(clientNetwork('2001:db8:1:3::1'));
  });
});
