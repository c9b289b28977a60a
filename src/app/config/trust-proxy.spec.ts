import express from 'express';
import { parseTrustProxy, trustProxyProblem } from './trust-proxy';

describe('parseTrustProxy', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['true', true],
    ['TRUE', true],
    ['1', 1],
    ['2', 2],
    ['loopback', 'loopback'],
    ['Loopback, UniqueLocal', 'loopback, uniquelocal'],
    ['10.0.0.0/8, 192.168.1.1', '10.0.0.0/8, 192.168.1.1'],
    [' 10.0.0.0/8 ,192.168.1.1 ', '10.0.0.0/8, 192.168.1.1'],
  ])('should read %p as %p', (input, expected) => {
    expect(parseTrustProxy(input)).toEqual(expected);
  });
});

describe(trustProxyProblem.name, () => {
  /** Values production takes: what a real deployment behind its own proxies sets. */
  const ACCEPTED_IN_PRODUCTION = [
    'false',
    '1',
    '5',
    'loopback',
    'linklocal',
    'uniquelocal',
    'loopback, linklocal, uniquelocal',
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '100.64.0.0/10',
    '10.0.0.0/255.0.0.0',
    '203.0.113.7',
    // A CDN's published ranges.
    '173.245.48.0/20, 2400:cb00::/32',
    'fc00::/7',
    'fd12:3456::/32',
    'fe80::/10',
    '::1',
    '2001:db8::/16',
    '::ffff:10.0.0.0/104',
    '::ffff:203.0.113.7',
  ];

  it.each(ACCEPTED_IN_PRODUCTION)('should accept %p in production', (value) => {
    expect(trustProxyProblem(value, true)).toBeUndefined();
  });

  it.each(ACCEPTED_IN_PRODUCTION)('should hand Express a setting it takes for %p', (value) => {
    const app = express();

    expect(() => app.set('trust proxy', parseTrustProxy(value))).not.toThrow();
  });

  it('should refuse true in production only', () => {
    expect(trustProxyProblem('true', true)).toMatch(/^TRUST_PROXY=true trusts any forged/);
    expect(trustProxyProblem('true', false)).toBeUndefined();
  });

  it('should refuse more than 5 proxy hops in production only', () => {
    expect(trustProxyProblem('6', true)).toBe(
      'TRUST_PROXY=6 trusts 6 proxy hops: in production trust at most 5, or name the proxies',
    );
    expect(trustProxyProblem('100', true)).toMatch(/^TRUST_PROXY=100 /);
    expect(trustProxyProblem('6', false)).toBeUndefined();
  });

  it.each([
    ['0.0.0.0/0'],
    ['0.0.0.0/1'],
    ['8.0.0.0/7'],
    ['10.0.0.0/8, 11.0.0.0/7'],
    ['10.0.0.0/254.0.0.0'],
    ['::/0'],
    ['::/1'],
    ['2000::/3'],
    ['2400:cb00::/15'],
    // IPv4 clients of a server listening on :: are matched as ::ffff:a.b.c.d.
    ['::/16'],
    ['::ffff:0:0/96'],
    ['::ffff:0.0.0.0/100'],
  ])('should refuse the range %p in production', (value) => {
    expect(trustProxyProblem(value, true)).toMatch(
      /^TRUST_PROXY .+ is wider than \/8 \(IPv4\) or \/16 \(IPv6\): /,
    );
  });

  it('should take wide ranges outside production, except a /0 that Express cannot take', () => {
    expect(trustProxyProblem('8.0.0.0/7', false)).toBeUndefined();
    expect(trustProxyProblem('::/16', false)).toBeUndefined();
    expect(trustProxyProblem('0.0.0.0/0', false)).toBe(
      'TRUST_PROXY 0.0.0.0/0 is a /0 range, which Express does not take: set TRUST_PROXY=true to trust every proxy',
    );
  });

  it.each([
    ['yes'],
    ['loopbacks'],
    ['10.0.0.0/8,'],
    ['10.0.0.0/33'],
    ['10.0.0.0/abc'],
    ['10.0.0/8'],
    ['2001:db8::/129'],
    ['2001:db8::/ffff::'],
    ['10.0.0.0/255.0.255.0'],
    ['fe80::1%eth0'],
    ['1, 10.0.0.0/8'],
    ['-1'],
  ])('should refuse %p, which Express cannot read, in every environment', (value) => {
    const problem = trustProxyProblem(value, false);

    expect(problem).toMatch(
      /^TRUST_PROXY must be true, false, a number of proxy hops, or comma-separated addresses and subnets \(or loopback, linklocal, uniquelocal\): ".*" is none of these$/,
    );
    expect(trustProxyProblem(value, true)).toBe(problem);
  });
});
