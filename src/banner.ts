import type { Config } from './config/config.js';
import { issuerLinks } from './endpoints/issuer-root/route.js';

/**
 * The few lines `npm start` prints once it listens: where the issuer is and what to do first. They go
 * to standard error, so standard output stays one JSON log line per event for log collectors.
 */
export function startupBanner(config: Config, metricsPort: number | undefined): string {
  const links = issuerLinks(config.issuer);
  const lines = [
    '',
    config.instanceName === 'Trustgate' ? '  Trustgate is running' : `  ${config.instanceName} (Trustgate) is running`,
    `  Issuer          ${links.issuer}`,
    `  Discovery       ${links.discovery}`,
    `  Console         ${links.console}`,
    `  Account         ${links.account}`,
    ...(metricsPort === undefined ? [] : [`  Metrics         http://${config.metricsHost}:${metricsPort}/metrics`]),
    `  Listening on    ${config.host}:${config.port}`,
    '',
    '  Register your first app (in another terminal, with the same DATABASE_URL):',
    '    npx trustgate app create my.trusted.app/web --name "My Web App" --type confidential --generate-secret \\',
    '      --redirect-uri https://app.example.com/callback --scope "read update"',
    '  Running it for real (TLS, backups, upgrades): docs/operations.md',
    '',
  ];
  return `${lines.join('\n')}\n`;
}
