/**
 * What-if experiment (`npm run bench -- --whatif sync-sign`): preloaded into a Trustgate process, it
 * makes `crypto.sign(…, callback)` sign on the calling thread and call back on the next tick. On a
 * server pinned to one core the thread pool cannot sign in parallel anyway; this shows what the
 * hand-off to it costs. Nothing in Trustgate changes.
 */
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';

type SignCallback = (error: Error | null, signature: Buffer) => void;
const signSync = crypto.sign;
(crypto as { sign: unknown }).sign = function sign(algorithm: string | null | undefined, data: NodeJS.ArrayBufferView, key: crypto.KeyLike | crypto.SignKeyObjectInput, callback?: SignCallback) {
  if (typeof callback !== 'function') return signSync(algorithm, data, key);
  let signature: Buffer;
  try {
    signature = signSync(algorithm, data, key);
  } catch (error) {
    process.nextTick(callback, error as Error);
    return undefined;
  }
  process.nextTick(callback, null, signature);
  return undefined;
};
syncBuiltinESMExports();
