import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../context.js';
import { ENDPOINT_PATHS } from '../discovery/document.js';
import { issuerPage, type IssuerLinks } from '../../pages/issuer-page.js';
import { stylesheetPath } from '../../pages/stylesheet-path.js';
import { setPageHeaders } from '../../http/security-headers.js';
import { requestMessages } from '../../http/page-language.js';

/** The links the issuer root names (the console at {issuer}/admin/, the account area at {issuer}/account). */
export function issuerLinks(issuer: string): IssuerLinks {
  return {
    issuer,
    discovery: `${issuer}${ENDPOINT_PATHS.discovery}`,
    jwks: `${issuer}${ENDPOINT_PATHS.jwks}`,
    console: `${issuer}/admin/`,
    account: `${issuer}/account`,
  };
}

/** Whether the client asked for HTML before JSON (a browser), by the Accept header's order and q-values. */
function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  let best: { type: string; q: number } | undefined;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(params.map((p) => p.trim()).find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    if (!['text/html', 'application/xhtml+xml', 'application/json'].includes(type) || !(q > 0)) continue;
    if (!best || q > best.q) best = { type, q };
  }
  return best !== undefined && best.type !== 'application/json';
}

/**
 * GET {issuer}/ (and {issuer} without the slash): a browser gets a small HTML page with links, an API
 * client JSON naming the same places. Neither says anything the discovery document does not.
 */
export function registerIssuerRoot(app: FastifyInstance, ctx: AppContext): void {
  const links = issuerLinks(ctx.config.issuer);
  app.get('/', async (request, reply) => {
    reply.header('Vary', 'Accept, Accept-Language');
    if (wantsHtml(request)) {
      setPageHeaders(reply);
      return reply
        .type('text/html; charset=utf-8')
        .send(issuerPage({ instanceName: ctx.config.instanceName, stylesheet: stylesheetPath(ctx.config), links, messages: requestMessages(request) }));
    }
    reply.header('Cache-Control', 'no-store');
    return reply.send({
      issuer: links.issuer,
      openid_configuration: links.discovery,
      jwks_uri: links.jwks,
      console: links.console,
      account: links.account,
    });
  });
}
