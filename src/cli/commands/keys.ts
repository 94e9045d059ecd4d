import type { Command } from 'commander';
import type { Env } from '../../config/config.js';
import { keepPublishedSecondsAfterRotation } from '../../admin/key-rotation.js';
import { withCliContext } from '../cli-context.js';
import { isoTime, printJson, printLine, printTable, yesNo } from '../output.js';

export function registerKeysCommands(program: Command, env: Env): void {
  const keys = program.command('keys').description('manage the signing keys');

  keys
    .command('list')
    .description('list the signing keys (current, retired, published)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const list = await ctx.keys.list();
        if (options.json) {
          return printJson(
            list.map((k) => ({
              ...k,
              createdAt: isoTime(k.createdAt),
              retiredAt: isoTime(k.retiredAt),
              publishUntil: isoTime(k.publishUntil),
            })),
          );
        }
        printTable(
          ['KID', 'ALG', 'CURRENT', 'PUBLISHED', 'ENCRYPTED', 'CREATED', 'RETIRED', 'PUBLISHED UNTIL'],
          list.map((k) => [
            k.kid, k.alg, yesNo(k.current), yesNo(k.published), yesNo(k.encrypted),
            isoTime(k.createdAt) ?? '', isoTime(k.retiredAt) ?? '', isoTime(k.publishUntil) ?? (k.current ? '' : 'always'),
          ]),
        );
      });
    });

  keys
    .command('rotate')
    .description('add a new signing key; previous keys stay published until tokens they signed have expired')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        if (!ctx.config.keyEncryptionSecret) {
          process.stderr.write('trustgate: warning: KEY_ENCRYPTION_SECRET is not set: the new private key is stored unencrypted\n');
        }
        const keepSeconds = await keepPublishedSecondsAfterRotation(ctx);
        const previous = (await ctx.keys.list()).filter((k) => k.current).map((k) => k.kid);
        const kid = await ctx.keys.rotate(keepSeconds);
        const publishedUntil = previous.length > 0 ? isoTime(ctx.now() + keepSeconds * 1000) : null;
        if (options.json) return printJson({ kid, retired: previous, previousKeysPublishedUntil: publishedUntil });
        printLine(`New signing key ${kid}; servers sign with it within seconds.`);
        if (publishedUntil) printLine(`Previous key ${previous.join(', ')} stays published in the JWKS until ${publishedUntil}.`);
      });
    });
}
