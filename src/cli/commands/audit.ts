import type { Command } from 'commander';
import type { Env } from '../../config/config.js';
import { AuditService, auditEventView } from '../../admin/audit-service.js';
import type { AuditEvent } from '../../domain/audit-event.js';
import { withCliContext } from '../cli-context.js';
import { isoTime, printJson, printLine, printTable } from '../output.js';
import { parseLimit, parseSince } from '../parse.js';

/** One line of text for a table cell: control characters shown as `?`, long values cut. */
function cell(value: string | null, max = 80): string {
  if (value === null) return '';
  // eslint-disable-next-line no-control-regex
  const flat = value.replace(/[\u0000-\u001f\u007f]/g, '?');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function target(event: AuditEvent): string {
  return event.targetType === null ? '' : `${event.targetType} ${event.targetId ?? ''}`.trim();
}

function printEvents(events: AuditEvent[]): void {
  printTable(
    ['TIME', 'ACTOR', 'ACTION', 'OUTCOME', 'APP', 'TARGET', 'REASON'],
    events.map((event) => [
      isoTime(event.at) ?? '',
      cell(event.actor, 40),
      event.action,
      event.outcome,
      cell(event.clientId, 40),
      cell(target(event), 50),
      cell(event.reason, 200),
    ]),
  );
}

/** `trustgate audit`: the audit trail, newest first. */
export function registerAuditCommands(program: Command, env: Env): void {
  program
    .command('audit')
    .description('show the audit trail, newest first: who changed what, sign-ins, refused requests')
    .option('--app <applicationUri>', "only this app's events")
    .option('--user <login>', "only this user's events (login or id)")
    .option('--since <time>', 'only events since then: ISO 8601 (2026-12-31T18:00:00Z) or back from now (24h, 7d)', parseSince)
    .option('--until <time>', 'only events before then (same forms as --since)', parseSince)
    .option('--actor <actor>', 'only events of this actor (cli:<user>, user:<id>, app:<uri>, system)')
    .option('--action <action>', 'only this action (e.g. app_updated, login_failed)')
    .option('--outcome <outcome>', 'only this outcome: success, failure or refused')
    .option('--limit <n>', 'at most this many events (1–1000; default 100)', parseLimit)
    .option('--json', 'print a JSON array of events')
    .action(
      async (options: {
        app?: string; user?: string; since?: string; until?: string; actor?: string; action?: string; outcome?: string; limit?: number; json?: boolean;
      }) => {
        await withCliContext(env, async (ctx) => {
          const { events } = await new AuditService(ctx).list({
            ...(options.app !== undefined ? { app: options.app } : {}),
            ...(options.user !== undefined ? { user: options.user } : {}),
            ...(options.since !== undefined ? { since: options.since } : {}),
            ...(options.until !== undefined ? { until: options.until } : {}),
            ...(options.actor !== undefined ? { actor: options.actor } : {}),
            ...(options.action !== undefined ? { action: options.action } : {}),
            ...(options.outcome !== undefined ? { outcome: options.outcome } : {}),
            ...(options.limit !== undefined ? { limit: options.limit } : {}),
          });
          if (options.json) return printJson(events.map(auditEventView));
          printEvents(events);
        });
      },
    );
}

/** `trustgate app failures <uri>`: the app's last refused requests with the exact reason. */
export function registerAppFailuresCommand(app: Command, env: Env): void {
  app
    .command('failures <applicationUri>')
    .description("the app's last refused requests (newest first) with the exact reason: why does its sign-in fail?")
    .option('--limit <n>', 'at most this many (1–1000; default 20)', parseLimit)
    .option('--json', 'print a JSON array of events')
    .action(async (clientId: string, options: { limit?: number; json?: boolean }) => {
      await withCliContext(env, async (ctx) => {
        const { events } = await new AuditService(ctx).failures(clientId, options.limit !== undefined ? { limit: options.limit } : {});
        if (options.json) return printJson(events.map(auditEventView));
        if (events.length === 0) return printLine(`No refused requests recorded for ${clientId}.`);
        for (const event of events) {
          printLine(`${isoTime(event.at)}  ${event.action}  ${event.outcome}${event.sourceAddress ? `  from ${event.sourceAddress}` : ''}`);
          printLine(`  reason: ${cell(event.reason, 500)}`);
          for (const [name, value] of Object.entries(event.details)) {
            printLine(`  ${name}: ${cell(typeof value === 'string' ? value : JSON.stringify(value), 500)}`);
          }
        }
      });
    });
}
