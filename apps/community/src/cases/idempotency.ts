import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * An Idempotency-Key header (IETF draft "The Idempotency-Key HTTP Header Field"): what a client sends
 * with a filing so that sending it again (after a timeout, a dropped connection, a second click)
 * files nothing new and answers what the first one answered. Visible ASCII, 16 to 128 characters: a
 * random UUID per form. Keys are the community's, not a station's: short counters from two stations
 * would meet, and a short key could be guessed from its stored hash.
 */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{16,128}$/;

/** How long a key is remembered: a repeat within it is answered from the first filing. */
export const IDEMPOTENCY_KEY_HOURS = 24;

/** What is stored of a key: its hash, so that the stored answers cannot be opened without it. */
export function keyHash(key: string): Buffer {
  return createHash('sha256').update('fed-idempotency-key\0').update(key, 'utf8').digest();
}

/** JSON with every object's keys sorted: the same value whatever order a client wrote it in. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** A request's identity: its route and its body (as validated), in canonical JSON. */
export function requestHash(route: string, body: unknown): Buffer {
  return createHash('sha256')
    .update(route)
    .update('\0')
    .update(canonicalJson(body) ?? '')
    .digest();
}

const sealKey = (key: string) =>
  createHash('sha256').update('fed-idempotency-seal\0').update(key, 'utf8').digest();

/**
 * The answer to a filing, sealed (AES-256-GCM) under a key derived from the Idempotency-Key: it holds
 * the applicant's personal data and the query code, told to the applicant once and otherwise kept
 * only as a hash. The database keeps the key's hash, not the key, so only the client can open it.
 * Layout: 12-byte IV, 16-byte tag, ciphertext.
 */
export function seal(key: string, answer: unknown): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(key), iv, { authTagLength: 16 });
  cipher.setAAD(keyHash(key));
  const body = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** The answer `seal` sealed; throws when `key` is not the one it was sealed with or it was altered. */
export function open<T>(key: string, sealed: Buffer): T {
  const decipher = createDecipheriv('aes-256-gcm', sealKey(key), sealed.subarray(0, 12), {
    authTagLength: 16,
  });
  decipher.setAAD(keyHash(key));
  decipher.setAuthTag(sealed.subarray(12, 28));
  const text = Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  return JSON.parse(text) as T;
}
