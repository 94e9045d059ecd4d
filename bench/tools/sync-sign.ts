/**
 * What-if experiment (`npm run bench -- --whatif sync-sign`): preloaded into a Trustgate process, it makes
 * WebCrypto's RSASSA-PKCS1-v1_5 signatures (what jose's RS256 runs on) sign on the calling thread with
 * `crypto.sign` and resolve at once. On a server pinned to one core the thread pool cannot sign in
 * parallel anyway; this shows what the hand-off to it costs. Nothing in Trustgate changes.
 */
import crypto, { KeyObject } from 'node:crypto';

type Subtle = typeof crypto.webcrypto.subtle;
const subtle = globalThis.crypto.subtle as Subtle;
const signOnThreadPool = subtle.sign.bind(subtle);
const keyObjects = new WeakMap<object, KeyObject>();

(subtle as { sign: Subtle['sign'] }).sign = function sign(algorithm, key, data) {
  const name = typeof algorithm === 'string' ? algorithm : algorithm.name;
  if (name !== 'RSASSA-PKCS1-v1_5') return signOnThreadPool(algorithm, key, data);
  try {
    let keyObject = keyObjects.get(key);
    if (!keyObject) {
      keyObject = KeyObject.from(key);
      keyObjects.set(key, keyObject);
    }
    const hash = (key.algorithm as unknown as { hash: { name: string } }).hash.name.replace('-', '').toLowerCase();
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    const signature = crypto.sign(hash, bytes, keyObject);
    return Promise.resolve(signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength) as ArrayBuffer);
  } catch (error) {
    return Promise.reject(error);
  }
};
