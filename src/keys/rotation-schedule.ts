import type { AppContext } from '../context.js';
import { isSigningAlg, type SigningAlg } from '../domain/signing-alg.js';
import { startPeriodicTask } from '../stores/periodic-task.js';
import type { StagedKey } from './key-ring.js';
import { keepPublishedSeconds } from './retention.js';

/** How often each node looks whether a key is due (a rotation is staged PUBLISH_AHEAD_SECONDS ahead, so minutes are fine). */
const CHECK_EVERY_MS = 60_000;

type RotationContext = Pick<AppContext, 'config' | 'store' | 'keys' | 'log' | 'audit'>;

/** SIGNING_ALG and every algorithm an app chose: each has a current key. */
export async function algorithmsInUse(ctx: Pick<AppContext, 'config' | 'store'>): Promise<SigningAlg[]> {
  const chosen = (await ctx.store.apps.chosenSigningAlgs()).filter(isSigningAlg);
  return [...new Set([ctx.config.signingAlg, ...chosen])];
}

/**
 * One look at the schedule: the algorithms in use get their first key, and every algorithm whose
 * newest key is KEY_ROTATION_INTERVAL old gets a successor, published now and signing later. Every node
 * runs this; when several notice at once the store lets one key in.
 */
export async function rotateDueKeys(ctx: RotationContext): Promise<StagedKey[]> {
  await ctx.keys.ensureKeys(await algorithmsInUse(ctx));
  const interval = ctx.config.keyRotationIntervalSeconds;
  if (interval === null) return [];
  const staged = await ctx.keys.rotateDue(interval, () => keepPublishedSeconds(ctx.store.apps));
  for (const key of staged) {
    await ctx.audit.record({
      actor: 'system',
      action: 'key_rotated_on_schedule',
      target: { type: 'key', id: key.kid },
      details: { kid: key.kid, alg: key.alg, signFrom: new Date(key.signFrom).toISOString(), replaced: key.replaced },
      message: 'scheduled key rotation: new signing key published',
      administrative: true,
    });
  }
  return staged;
}

/** Runs `rotateDueKeys` every minute on an unref'd timer. Returns a function that stops it. */
export function startKeyRotation(ctx: AppContext): () => void {
  return startPeriodicTask(ctx, 'scheduled key rotation', CHECK_EVERY_MS, () => rotateDueKeys(ctx));
}
