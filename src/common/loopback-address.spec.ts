import { isLoopbackAddress, isLoopbackHost } from './loopback-address';

describe(isLoopbackAddress.name, () => {
  it.each([
    '127.0.0.1',
    '127.1.2.3',
    '127.255.255.255',
    '::1',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
  ])('should take %p for loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each([
    undefined,
    '',
    '192.0.2.2',
    '10.0.0.1',
    '128.0.0.1',
    '0.0.0.0',
    '::',
    '::2',
    'fd00::2',
    '::ffff:192.0.2.2',
    'localhost',
    '127.0.0.1.example.com',
  ])('should not take %p for loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});

describe(isLoopbackHost.name, () => {
  it('should take loopback addresses and localhost, and nothing else', () => {
    for (const host of ['127.0.0.1', '::1', '[::1]', 'localhost', 'LocalHost']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of ['smtp.example.com', '192.0.2.2', 'localhost.example.com', 'mail']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});
