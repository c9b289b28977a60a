import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network a client address belongs to, wherever the service counts per network: its IPv4 /24 or
 * IPv6 /56. One attacker rarely controls more than one of those, while a count per single address
 * would be sidestepped by anyone with a few IPv6 addresses. A /56 is a customer's usual allocation: a
 * /64 would let one customer act as 256 networks.
 */
export function clientNetwork(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  if (isIPv4(address)) return `${address.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(address)) {
    const [a, b, c, d] = expandIPv6(address);
    return `${a}:${b}:${c}:${(parseInt(d, 16) & 0xff00).toString(16)}::/56`;
  }
  // Not an address (a unix socket, a test double): its own network.
  return address;
}

/** The eight hextets of an IPv6 address, without leading zeros, `::` expanded. */
function expandIPv6(address: string): string[] {
  const withoutZone = address.split('%')[0];
  const [head, tail] = withoutZone.split('::');
  const parse = (part: string | undefined): string[] =>
    part
      ? part.split(':').flatMap((group) => (group.includes('.') ? ipv4AsHextets(group) : [group]))
      : [];
  const left = parse(head);
  const right = parse(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((group) => parseInt(group, 16).toString(16));
}

function ipv4AsHextets(ipv4: string): string[] {
  const [a, b, c, d] = ipv4.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}
