import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is `10.0.0.1`. */
function plain(address: string): string {
  const trimmed = address.trim();
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(trimmed) ? trimmed.slice(7) : trimmed;
}

function family(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}

const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Parses TRUSTED_PROXIES: comma-separated addresses, CIDR ranges, or the names `loopback` and
 * `private`. Throws with the entry it cannot read.
 */
export function parseTrustedProxies(text: string): BlockList {
  const list = new BlockList();
  for (const raw of text.split(',').map((entry) => entry.trim()).filter(Boolean)) {
    for (const entry of NAMED[raw] ?? [raw]) {
      const [address = '', bits] = entry.split('/');
      const kind = family(address);
      const prefix = bits === undefined ? undefined : Number(bits);
      if (!kind || (prefix !== undefined && (!Number.isInteger(prefix) || prefix < 0 || prefix > (kind === 'ipv4' ? 32 : 128)))) {
        throw new Error(`"${raw}" is not an address, a CIDR range, loopback or private`);
      }
      if (prefix === undefined) list.addAddress(address, kind);
      else list.addSubnet(address, prefix, kind);
    }
  }
  return list;
}

/**
 * The client's address. X-Forwarded-For is believed only as far as it was written by trusted
 * proxies: starting from the socket's peer, each hop that is a trusted proxy hands over to the
 * address it forwarded for (right to left); the first untrusted one is the client. With no
 * trusted proxies the header is ignored, so a client cannot pick its own rate-limit bucket.
 */
export function clientIpOf(request: Pick<IncomingMessage, 'headers' | 'socket'>, trusted: BlockList): string {
  let client = plain(request.socket.remoteAddress ?? 'unknown');
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map(plain)
    .filter(Boolean);
  while (forwarded.length > 0) {
    const kind = family(client);
    if (!kind || !trusted.check(client, kind)) break;
    const next = forwarded.pop()!;
    if (!family(next)) break; // garbage in the header: stop at the last address we can vouch for
    client = next;
  }
  return client;
}

/**
 * The bucket a client address is counted in: an IPv4 address is itself; an IPv6 address is its
 * /64 (`2001:db8:1:2::/64`), because one subscriber usually holds a whole /64 and could take a
 * fresh address from it for every request. Anything else (a unix socket, garbage) is itself.
 */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (`::1.2.3.4`) takes two groups; only the first four groups matter here.
  const rightGroups = right.reduce((n, group) => n + (group.includes('.') ? 2 : 1), 0);
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - rightGroups).fill('0'), ...right] : left;
  const prefix = groups.slice(0, 4).map((group) => (Number.parseInt(group, 16) || 0).toString(16));
  return `${prefix.join(':')}::/64`;
}
