import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * CORS for the back-channel endpoints a browser app (SPA) calls directly: token, userinfo, revocation.
 * No cookies are involved (credentials are not allowed), so any origin may read the answer; the
 * protection is the client authentication / PKCE / bearer token itself.
 */
export function corsHeaders(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  if (request.headers.origin) {
    reply.header('Access-Control-Allow-Origin', '*');
    reply.header('Access-Control-Expose-Headers', 'WWW-Authenticate, DPoP-Nonce');
  }
  done();
}

/** Answers the CORS preflight of `path`. */
export function registerPreflight(app: FastifyInstance, path: string, methods: string): void {
  app.options(path, (_request, reply) => {
    reply
      .code(204)
      .header('Access-Control-Allow-Origin', '*')
      .header('Access-Control-Allow-Methods', methods)
      .header('Access-Control-Allow-Headers', 'Authorization, Content-Type, DPoP')
      .header('Access-Control-Max-Age', '600')
      .send();
  });
}
