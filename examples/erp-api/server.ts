import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import {
  accessTokenOf,
  createAccessTokenVerifier,
  createBearerAuth,
  type AccessTokenVerifier,
  type RevocationOptions,
} from 'trustgate/resource-server';
import { ErpStore, type OrderStatus } from './store.js';

export interface ErpApiOptions {
  /** the Trustgate issuer, e.g. http://127.0.0.1:8080/id */
  issuer: string;
  /** the audience this API answers to (Trustgate's API_AUDIENCE) */
  audience: string;
  /** SQLite file (":memory:" for tests) */
  databasePath: string;
  /** browser origins allowed to call the API (CORS), e.g. the SPA's */
  corsOrigins: string[];
  port: number;
  host: string;
  /**
   * How the API learns of revoked tokens (it must be registered: `trustgate api create <audience>`):
   * `{ feed: { clientId: <audience>, clientSecret, intervalMs } }` polls the signed revocation feed,
   * `{ introspection: { clientId, clientSecret, cacheMs } }` asks about every token.
   */
  revocation?: RevocationOptions;
  /** replace the verifier (tests) */
  verifier?: AccessTokenVerifier;
  logger?: boolean;
}

export interface RunningErpApi {
  url: string;
  server: FastifyInstance;
  /** the access-token verifier (`verifier.pollRevocations()` reads the revocation feed now) */
  verifier: AccessTokenVerifier;
  close(): Promise<void>;
}

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const idParams = { type: 'object', properties: { id: { type: 'string', pattern: UUID } }, required: ['id'] } as const;
const customerBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    email: { type: ['string', 'null'], maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+$' },
    city: { type: ['string', 'null'], maxLength: 100 },
  },
} as const;
const orderBody = {
  type: 'object',
  additionalProperties: false,
  required: ['customerId', 'description', 'amountCents'],
  properties: {
    customerId: { type: 'string', pattern: UUID },
    description: { type: 'string', minLength: 1, maxLength: 500 },
    amountCents: { type: 'integer', minimum: 0, maximum: 1_000_000_000_00 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$', default: 'EUR' },
    status: { type: 'string', enum: ['draft', 'confirmed', 'shipped', 'cancelled'], default: 'draft' },
  },
} as const;

interface CustomerInput {
  name: string;
  email?: string | null;
  city?: string | null;
}
interface OrderInput {
  customerId: string;
  description: string;
  amountCents: number;
  currency: string;
  status: OrderStatus;
}

/**
 * The sample ERP API. Every route needs a Trustgate access token for this API's audience:
 * GET needs the scope `read`, POST/PUT/DELETE need `update`. Customers are the company's shared
 * records (internal users only); sales orders belong to the user who created them (token `sub`),
 * and community users may read their own.
 */
export async function startErpApi(options: ErpApiOptions): Promise<RunningErpApi> {
  const store = new ErpStore(options.databasePath);
  const verifier =
    options.verifier ??
    createAccessTokenVerifier({
      issuer: options.issuer,
      audience: options.audience,
      ...(options.revocation ? { revocation: options.revocation } : {}),
    });
  const auth = createBearerAuth({ verifier, realm: options.audience });
  const read = { preHandler: auth.requireScope('read') };
  const update = { preHandler: auth.requireScope('update') };

  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 16 * 1024 });
  await app.register(cors, {
    origin: options.corsOrigins, // exact origins only; others get no CORS headers
    methods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'DPoP'],
    exposedHeaders: ['WWW-Authenticate'],
    maxAge: 600,
  });
  app.setErrorHandler((error: { statusCode?: number; validation?: unknown; message: string }, request, reply) => {
    if (error.validation) {
      return reply.code(400).send({ error: 'invalid_request', error_description: error.message });
    }
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'invalid_request', error_description: error.message });
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.code(500).send({ error: 'server_error', error_description: 'unexpected error' });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: 'not_found', error_description: 'no such resource' }));
  app.addHook('onSend', async (request, reply) => {
    reply.header('Cache-Control', 'no-store');
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/api/me', read, async (request) => {
    const token = accessTokenOf(request);
    return { sub: token.subject, clientId: token.clientId, scopes: token.scopes, userKind: token.userKind ?? null };
  });

  // customers: the company's records, for internal users
  app.get('/api/customers', read, async (request, reply) => internalOnly(request, reply) ?? store.listCustomers());
  app.get<{ Params: { id: string } }>('/api/customers/:id', { ...read, schema: { params: idParams } }, async (request, reply) => {
    return internalOnly(request, reply) ?? (store.getCustomer(request.params.id) ?? notFound(reply, 'customer'));
  });
  app.post<{ Body: CustomerInput }>('/api/customers', { ...update, schema: { body: customerBody } }, async (request, reply) => {
    return internalOnly(request, reply) ?? reply.code(201).send(store.createCustomer(request.body));
  });
  app.put<{ Params: { id: string }; Body: CustomerInput }>(
    '/api/customers/:id',
    { ...update, schema: { params: idParams, body: customerBody } },
    async (request, reply) => internalOnly(request, reply) ?? (store.updateCustomer(request.params.id, request.body) ?? notFound(reply, 'customer')),
  );
  app.delete<{ Params: { id: string } }>('/api/customers/:id', { ...update, schema: { params: idParams } }, async (request, reply) => {
    const refused = internalOnly(request, reply);
    if (refused) return refused;
    const outcome = store.deleteCustomer(request.params.id);
    if (outcome === 'not_found') return notFound(reply, 'customer');
    if (outcome === 'in_use') {
      return reply.code(409).send({ error: 'conflict', error_description: 'the customer still has sales orders' });
    }
    return reply.code(204).send();
  });

  // sales orders: each user's own (owner = token sub)
  app.get('/api/sales-orders', read, async (request) => store.listOrders(accessTokenOf(request).subject));
  app.get<{ Params: { id: string } }>('/api/sales-orders/:id', { ...read, schema: { params: idParams } }, async (request, reply) => {
    return store.getOrder(accessTokenOf(request).subject, request.params.id) ?? notFound(reply, 'sales order');
  });
  app.post<{ Body: OrderInput }>('/api/sales-orders', { ...update, schema: { body: orderBody } }, async (request, reply) => {
    const refused = internalOnly(request, reply);
    if (refused) return refused;
    if (!store.getCustomer(request.body.customerId)) return unknownCustomer(reply);
    return reply.code(201).send(store.createOrder(accessTokenOf(request).subject, request.body));
  });
  app.put<{ Params: { id: string }; Body: OrderInput }>(
    '/api/sales-orders/:id',
    { ...update, schema: { params: idParams, body: orderBody } },
    async (request, reply) => {
      const refused = internalOnly(request, reply);
      if (refused) return refused;
      if (!store.getCustomer(request.body.customerId)) return unknownCustomer(reply);
      return store.updateOrder(accessTokenOf(request).subject, request.params.id, request.body) ?? notFound(reply, 'sales order');
    },
  );
  app.delete<{ Params: { id: string } }>('/api/sales-orders/:id', { ...update, schema: { params: idParams } }, async (request, reply) => {
    const refused = internalOnly(request, reply);
    if (refused) return refused;
    if (!store.deleteOrder(accessTokenOf(request).subject, request.params.id)) return notFound(reply, 'sales order');
    return reply.code(204).send();
  });

  app.addHook('onClose', async () => {
    verifier.close();
    store.close();
  });
  await app.listen({ port: options.port, host: options.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    server: app,
    verifier,
    close: () => app.close(),
  };
}

/** Company records are for internal users; community users (customers, partners) get 403. */
function internalOnly(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  if (accessTokenOf(request).userKind === 'internal') return undefined;
  return reply.code(403).send({ error: 'forbidden', error_description: 'only internal users may do this' });
}

function notFound(reply: FastifyReply, what: string): FastifyReply {
  return reply.code(404).send({ error: 'not_found', error_description: `no such ${what}` });
}

function unknownCustomer(reply: FastifyReply): FastifyReply {
  return reply.code(422).send({ error: 'invalid_request', error_description: 'customerId names no customer' });
}
