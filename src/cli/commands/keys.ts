import type { Command } from 'commander';
import type { Env } from '../../config/config.js';
import { KeyService } from '../../admin/key-service.js';
import type { KeyInfo, StagedKey } from '../../keys/key-ring.js';
import { withCliContext } from '../cli-context.js';
import { isoTime, printJson, printLine, printTable, yesNo } from '../output.js';

function keyJson(key: KeyInfo): Record<string, unknown> {
  return {
    ...key,
    createdAt: isoTime(key.createdAt),
    publishFrom: isoTime(key.publishFrom),
    signFrom: isoTime(key.signFrom),
    retiredAt: isoTime(key.retiredAt),
    publishUntil: isoTime(key.publishUntil),
  };
}

function stagedJson(key: StagedKey): Record<string, unknown> {
  return {
    ...key,
    publishFrom: isoTime(key.publishFrom),
    signFrom: isoTime(key.signFrom),
    replacedPublishedUntil: isoTime(key.replacedPublishedUntil),
  };
}

function printStaged(key: StagedKey): void {
  const immediately = key.signFrom === key.publishFrom;
  if (immediately) {
    printLine(`New ${key.alg} signing key ${key.kid} signs now (servers switch within seconds; it was not published ahead).`);
  } else {
    const minutes = Math.round((key.signFrom - key.publishFrom) / 60_000);
    printLine(`New ${key.alg} signing key ${key.kid} is published now and starts signing at ${isoTime(key.signFrom)} (in ${minutes} minutes).`);
  }
  if (key.replaced.length > 0 && key.replacedPublishedUntil !== null) {
    const [noun, stops, signs, stays] = key.replaced.length === 1 ? ['key', 'stops', 'signs', 'stays'] : ['keys', 'stop', 'sign', 'stay'];
    const until = immediately ? `${stops} signing now` : `${signs} until then`;
    printLine(`Previous ${noun} ${key.replaced.join(', ')} ${until} and ${stays} published in the JWKS until ${isoTime(key.replacedPublishedUntil)}.`);
  }
}

export function registerKeysCommands(program: Command, env: Env): void {
  const keys = program.command('keys').description('manage the signing keys');

  keys
    .command('list')
    .description('list the signing keys and their stages (next, current, retired, expired)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const list = await new KeyService(ctx).list();
        if (options.json) return printJson(list.map(keyJson));
        printTable(
          ['KID', 'ALG', 'STATE', 'ENCRYPTED', 'PUBLISHED FROM', 'SIGNS FROM', 'RETIRED', 'PUBLISHED UNTIL'],
          list.map((k) => [
            k.kid, k.alg, k.state, yesNo(k.encrypted), isoTime(k.publishFrom) ?? '', isoTime(k.signFrom) ?? '',
            isoTime(k.retiredAt) ?? '', isoTime(k.publishUntil) ?? '',
          ]),
        );
      });
    });

  keys
    .command('rotate')
    .description('add a new signing key per algorithm: published now, signing once cached key sets expired; previous keys stay published until tokens they signed have expired')
    .option('--now', 'sign with the new key at once, without publishing it ahead (emergency)')
    .option('--json', 'print JSON')
    .action(async (options: { now?: boolean; json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const ring = await ctx.keyRing();
        if (!ring.encrypts) {
          process.stderr.write('trustgate: warning: KEY_ENCRYPTION_SECRET is not set: the new private key is stored unencrypted\n');
        }
        const service = new KeyService(ctx);
        const before = new Set((await service.list()).map((k) => k.alg));
        const staged = await service.rotate(ring, { immediately: options.now === true });
        const missed = [...before].filter((alg) => !staged.some((key) => key.alg === alg));
        if (options.json) printJson({ rotated: staged.map(stagedJson) });
        else for (const key of staged) printStaged(key);
        if (missed.length > 0) {
          process.stderr.write(`trustgate: ${missed.join(', ')} was rotated by another node or administrator at the same moment; see trustgate keys list\n`);
          process.exitCode = 1;
        }
      });
    });

  keys
    .command('encrypt')
    .description('encrypt the signing keys stored unencrypted with the key-encryption secret (running it again changes nothing)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const result = await new KeyService(ctx).encrypt(await ctx.keyRing());
        if (options.json) return printJson(result);
        printLine(`Encrypted ${result.encrypted} signing key${result.encrypted === 1 ? '' : 's'}; ${result.alreadyEncrypted} already were.`);
      });
    });
}
