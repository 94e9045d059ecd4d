#!/usr/bin/env node
/**
 * Ceiling: RS256 signatures per second on this (pinned) core — node:crypto.sign on a 2048-bit key
 * (what every JWT signer ends in), and jose's CompactSign with an access-token-sized payload and a
 * KeyObject, as Trustgate signs (src/tokens/mint.ts).
 *   node dist/bench/ceilings/rs256.js <durationMs>   → {"cryptoSignPerSecond": …, "joseSignPerSecond": …}
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CompactSign } from 'jose';

const durationMs = Number(process.argv[2] ?? '2000');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const now = Math.floor(Date.now() / 1000);
const claims = {
  iss: 'http://127.0.0.1:4000/id',
  aud: 'erp-api',
  sub: randomUUID(),
  client_id: 'bench.example/app',
  scope: 'openid offline_access read',
  sid: randomUUID(),
  auth_time: now,
  user_kind: 'internal',
};
const signingInput = Buffer.from(`${Buffer.from('{"alg":"RS256","typ":"at+jwt","kid":"k1"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, iat: now, exp: now + 3600, jti: randomUUID() })).toString('base64url')}`);

function rateSync(): number {
  for (let i = 0; i < 50; i++) sign('sha256', signingInput, privateKey); // warm-up
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    sign('sha256', signingInput, privateKey);
    count += 1;
  }
  return count / ((performance.now() - start) / 1000);
}

async function rateJose(): Promise<number> {
  const encoder = new TextEncoder();
  const one = () => {
    const iat = Math.floor(Date.now() / 1000);
    return new CompactSign(encoder.encode(JSON.stringify({ ...claims, iat, exp: iat + 3600, jti: randomUUID() })))
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })
      .sign(privateKey);
  };
  for (let i = 0; i < 50; i++) await one();
  let count = 0;
  const start = performance.now();
  const end = start + durationMs;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < end) {
        await one();
        count += 1;
      }
    }),
  );
  return count / ((performance.now() - start) / 1000);
}

const cryptoSignPerSecond = Math.round(rateSync());
const joseSignPerSecond = Math.round(await rateJose());
process.stdout.write(`${JSON.stringify({ cryptoSignPerSecond, joseSignPerSecond })}\n`);
