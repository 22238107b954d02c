import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Downloads of MoodModel bundles, which anyone who may create a MoodModel
 * can point anywhere: the operator's own network position must not become
 * theirs. So a download follows no redirect, reads at most `maxBytes` (with
 * or without a Content-Length), connects only to addresses outside the
 * ranges below unless the operator's configuration allows them, and its
 * errors say what went wrong without repeating what the server sent.
 */
export interface FetchPolicy {
  /** CIDRs (e.g. "10.20.0.0/16") allowed although a denied range holds them: in-cluster model servers. */
  allowedNetworks: readonly string[];
  maxBytes: number;
  timeoutMs: number;
}

/** IANA special-purpose ranges: loopback, private, link-local (cloud metadata), shared, documentation, multicast, reserved. */
const deniedRanges: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'], // multicast, reserved and broadcast
  ['::', 127, 'ipv6'], // unspecified and loopback
  ['64:ff9b::', 96, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];
const denied = new BlockList();
for (const [address, prefix, family] of deniedRanges) denied.addSubnet(address, prefix, family);

/** Why a download was not made or not finished; its message is safe to show in a condition. */
export class FetchRefused extends Error {
  override name = 'FetchRefused';
}

/** Parses "a.b.c.d/n" CIDRs into a BlockList of allowed networks; throws naming the bad entry. */
export function allowList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address = '', prefix = ''] = cidr.split('/');
    const family = isIP(address);
    const bits = Number(prefix);
    const max = family === 6 ? 128 : 32;
    if (!family || !/^\d+$/.test(prefix) || bits > max)
      throw new Error(`"${cidr}" is not a network such as 10.0.0.0/8 or fd00::/8`);
    list.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return list;
}

/** May the operator connect to `address`? Pure: the decision behind every download. */
export function addressAllowed(address: string, allowed: BlockList): boolean {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  return allowed.check(address, family) || !denied.check(address, family);
}

const refusedAddress = (host: string) =>
  new FetchRefused(
    `${host} is refused: it is a loopback, private, link-local or reserved address (the operator's MODEL_FETCH_ALLOWED_NETWORKS can allow networks)`,
  );

/** A DNS lookup that fails for any denied address, so the connection goes only where the check passed. */
function guardedLookup(allowed: BlockList): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => !addressAllowed(a.address, allowed));
      if (bad || addresses.length === 0) return callback(refusedAddress(hostname), '', 0);
      if ((options as { all?: boolean }).all)
        return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/** GET `url` under `policy`; the body, or a FetchRefused whose message is safe to show. */
export async function fetchBounded(url: string, policy: FetchPolicy): Promise<Buffer> {
  const target = new URL(url);
  const allowed = allowList(policy.allowedNetworks);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !addressAllowed(host, allowed)) throw refusedAddress(host);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(
      target,
      { lookup: guardedLookup(allowed), signal: AbortSignal.timeout(policy.timeoutMs) },
      resolve,
    );
    req.once('error', (err) => reject(err instanceof FetchRefused ? err : new FetchRefused(describe(err))));
    req.end();
  });
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    response.destroy();
    throw new FetchRefused(`HTTP ${status}: redirects are not followed; give the final URL`);
  }
  if (status !== 200) {
    response.destroy();
    throw new FetchRefused(`HTTP ${status}`);
  }
  return readBounded(response, policy.maxBytes);
}

function readBounded(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new FetchRefused(`larger than ${maxBytes} bytes`);
  if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
    response.destroy();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    response.once('end', () => resolve(Buffer.concat(chunks)));
    response.once('error', (err) => reject(new FetchRefused(describe(err))));
  });
}

/** A network error in words that name its kind, not what the peer said. */
function describe(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return 'timed out';
  return code ? `connection failed (${code})` : 'connection failed';
}
