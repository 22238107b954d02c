import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt (RFC 7914) with per-password salt. Stored as
// `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>`: the parameters travel with the
// hash, so old hashes still verify after the cost is raised, and are made
// again with the current cost at the next sign-in (`needsRehash`).

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP's current minimum for scrypt: N=2^17, r=8, p=1 (128 MiB and a few hundred ms per hash). */
export const defaultCost: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const keyLength = 32;
/** Stored parameters beyond these are not ours: refused rather than allowed to take the memory. */
const maxN = 2 ** 20;

/** Node refuses scrypt above `maxmem` (32 MiB by default); the cost needs 128·N·r·p bytes. */
const maxmemOf = ({ N, r, p }: ScryptCost) => 128 * N * r * p + 2 ** 20;

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, keyLength, { ...cost, maxmem: maxmemOf(cost) }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

interface Stored {
  cost: ScryptCost;
  salt: Buffer;
  hash: Buffer;
}

function parseStored(stored: string): Stored | undefined {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  const cost = { N: Number(N), r: Number(r), p: Number(p) };
  const sane =
    Number.isInteger(Math.log2(cost.N)) && cost.N <= maxN && [cost.r, cost.p].every((n) => n >= 1 && n <= 16);
  if (scheme !== 'scrypt' || !salt || !hash || !sane) return undefined;
  return { cost, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

export async function hashPassword(password: string, cost = defaultCost): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.cost);
  return actual.length === parsed.hash.length && timingSafeEqual(actual, parsed.hash);
}

/** Whether a stored hash was made with other parameters than `cost`: then it is made again at sign-in. */
export function needsRehash(stored: string, cost = defaultCost): boolean {
  const parsed = parseStored(stored);
  return !parsed || parsed.cost.N !== cost.N || parsed.cost.r !== cost.r || parsed.cost.p !== cost.p;
}
