import { after, before } from 'node:test';
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { TestDatabase } from '../support/databases.js';
import { openStore, type Store } from '../../src/stores/store.js';
import type { ClientSecret, TrustedApplication } from '../../src/domain/trusted-application.js';
import type { User } from '../../src/domain/user.js';
import type { AuthorizationCodeRecord } from '../../src/domain/authorization-code.js';
import type { RefreshFamily, RefreshTokenRecord } from '../../src/domain/refresh-family.js';
import type { Session } from '../../src/domain/session.js';
import type { AuthorizationRequest, Interaction } from '../../src/domain/interaction.js';
import type { StoredSigningKey } from '../../src/stores/keys.js';
import type { PasswordReset } from '../../src/domain/password-reset.js';
import type { NodeReply, NodeRequest } from './second-node.js';

/** Connections in the store's PostgreSQL pool (SQLite has one). */
const POOL_SIZE = 10;

/**
 * The store under contract, opened on the suite's fresh database and migrated; `other()` is a second,
 * independent store on the same database (its own connection or pool), as a second node would hold.
 */
export function useStores(database: () => TestDatabase): { store: () => Store; other: () => Store } {
  let store: Store | undefined;
  let other: Store | undefined;
  before(async () => {
    store = await openStore(database().url);
    await store.migrate();
    other = await openStore(database().url);
    // open every pooled connection now, so that races run on parallel connections from their first call
    for (const opened of [store, other]) await race(POOL_SIZE, () => opened.sessions.get('warm-up'));
  });
  after(async () => {
    await other?.close();
    await store?.close();
  });
  return {
    store: () => ready(store),
    other: () => ready(other),
  };
}

function ready(store: Store | undefined): Store {
  if (!store) throw new Error('store not open');
  return store;
}

/** A second node: another process with its own store on the same database (see second-node.ts). */
export interface SecondNode {
  /** Starts the rotations at once over there; resolves with each result (or error message). */
  rotate(presentedHash: string, successors: RefreshTokenRecord[], at: number, graceUntil?: number | null): Promise<(boolean | string)[]>;
  /** Starts the grace re-issues at once over there. */
  reissue(presentedHash: string, successors: RefreshTokenRecord[], at: number): Promise<(boolean | string)[]>;
  close(): Promise<void>;
}

export async function startSecondNode(url: string): Promise<SecondNode> {
  const child = fork(fileURLToPath(new URL('./second-node.ts', import.meta.url)), [url], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = once(child, 'exit');
  const next = async (): Promise<NodeReply> => ((await once(child, 'message')) as [NodeReply])[0];
  const send = (request: NodeRequest): void => void child.send(request);
  const first = await Promise.race([next(), exited.then(() => Promise.reject(new Error('the second node exited')))]);
  if (!('ready' in first)) throw new Error('the second node did not start');
  const batch = async (request: NodeRequest): Promise<(boolean | string)[]> => {
    const answer = next();
    send(request);
    const reply = await answer;
    if (!('results' in reply)) throw new Error('unexpected answer from the second node');
    return reply.results;
  };
  return {
    rotate: (presentedHash, successors, at, graceUntil) => batch({ op: 'rotate', presentedHash, successors, at, graceUntil }),
    reissue: (presentedHash, successors, at) => batch({ op: 'reissue', presentedHash, successors, at }),
    close: async () => {
      send({ op: 'close' });
      await exited;
    },
  };
}

/** Runs `n` calls at once (the store's connections serve them concurrently) and waits for all. */
export function race<T>(n: number, call: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => call(i)));
}

/** How many of the results are `true`. */
export const wins = (results: readonly boolean[]): number => results.filter((won) => won).length;

export function anApp(clientId: string, fields: Partial<TrustedApplication> = {}): TrustedApplication {
  return {
    clientId,
    displayName: `App ${clientId}`,
    clientType: 'confidential',
    loginRedirectUris: [`https://${clientId}.example.com/cb`, 'http://127.0.0.1/cb'],
    logoutRedirectUris: [],
    allowInternalUsers: true,
    allowCommunityUsers: false,
    scopes: ['read', 'update'],
    allowRefreshTokens: true,
    requireConsent: false,
    accessTokenLifetime: 3600,
    refreshTokenLifetime: 2_592_000,
    enabled: true,
    createdAt: 1_700_000_000_001,
    updatedAt: 1_700_000_000_002,
    requireMfa: false,
    idTokenSignedResponseAlg: null,
    accessTokenSigningAlg: null,
    adminApi: false,
    refreshReuseGraceSeconds: null,
    requirePar: false,
    requireDpop: false,
    accessTokens: 'none',
    systemUserId: null,
    jwks: null,
    jwksUri: null,
    ...fields,
  };
}

export function aSecret(id: string, clientId: string, fields: Partial<ClientSecret> = {}): ClientSecret {
  return {
    id,
    clientId,
    secretHash: `hash-of-${id}`,
    description: `secret ${id}`,
    createdAt: 1_700_000_000_100,
    expiresAt: 1_800_000_000_000,
    revokedAt: null,
    ...fields,
  };
}

export function aUser(id: string, login: string, fields: Partial<User> = {}): User {
  return {
    id,
    login,
    displayName: `User ${login}`,
    email: `${login.toLowerCase()}@example.com`,
    emailVerified: true,
    locale: 'de-CH',
    kind: 'internal',
    isAdmin: false,
    enabled: true,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    createdAt: 1_700_000_000_003,
    updatedAt: 1_700_000_000_004,
    requireMfa: false,
    hasSecondFactor: false,
    ...fields,
  };
}

export function aCode(codeHash: string, fields: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    codeHash,
    clientId: 'app',
    userId: 'u1',
    redirectUri: 'https://app.example.com/cb',
    scope: ['openid', 'read'],
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    codeChallengeMethod: 'S256',
    nonce: 'n-0S6_WzA2Mj',
    sid: 'sid-1',
    authTime: 1_700_000_000,
    amr: ['pwd'],
    createdAt: 1_700_000_000_000,
    expiresAt: 1_700_000_060_000,
    consumedAt: null,
    issuedFamilyId: null,
    issuedAccessJti: null,
    issuedAccessExpiresAt: null,
    ...fields,
  };
}

export function aFamily(id: string, fields: Partial<RefreshFamily> = {}): RefreshFamily {
  return {
    id,
    clientId: 'app',
    userId: 'u1',
    scope: ['openid', 'offline_access', 'read'],
    sid: 'sid-1',
    authTime: 1_700_000_000,
    amr: ['pwd', 'mfa'],
    nonce: 'n-1',
    createdAt: 1_700_000_000_000,
    expiresAt: 1_702_592_000_000,
    revokedAt: null,
    revokedReason: null,
    dpopJkt: null,
    ...fields,
  };
}

export function aToken(tokenHash: string, familyId: string, fields: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    tokenHash,
    familyId,
    scope: ['openid', 'read'],
    createdAt: 1_700_000_000_000,
    consumedAt: null,
    accessJti: `jti-${tokenHash}`,
    accessExpiresAt: 1_700_000_003_600_000,
    graceUntil: null,
    ...fields,
  };
}

export function aSession(idHash: string, fields: Partial<Session> = {}): Session {
  return {
    idHash,
    sid: `sid-${idHash}`,
    userId: 'u1',
    authTime: 1_700_000_000,
    amr: ['pwd'],
    createdAt: 1_700_000_000_000,
    lastSeenAt: 1_700_000_000_000,
    expiresAt: 1_700_086_400_000,
    endedAt: null,
    ...fields,
  };
}

export function aReset(tokenHash: string, userId: string, fields: Partial<PasswordReset> = {}): PasswordReset {
  return {
    tokenHash,
    userId,
    createdAt: 1_700_000_000_000,
    expiresAt: 1_700_001_800_000,
    usedAt: null,
    ...fields,
  };
}

export function aRequest(fields: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return {
    clientId: 'app',
    redirectUri: 'https://app.example.com/cb',
    responseMode: 'query',
    scope: ['openid', 'read'],
    state: 'state-1',
    nonce: null,
    codeChallenge: null,
    codeChallengeMethod: null,
    prompt: [],
    maxAge: null,
    loginHint: null,
    uiLocales: ['de'],
    idTokenHintSubject: null,
    ...fields,
  };
}

export function anInteraction(id: string, fields: Partial<Interaction> = {}): Interaction {
  return {
    id,
    browserHash: `browser-${id}`,
    csrfHash: `csrf-${id}`,
    clientId: 'app',
    request: aRequest(),
    userId: null,
    sessionSid: null,
    createdAt: 1_700_000_000_000,
    expiresAt: 1_700_000_600_000,
    completedAt: null,
    pendingUserId: null,
    pendingAmr: null,
    ...fields,
  };
}

/** A key published and signing from its creation, superseding a marker of its own (so any number may be added). */
export function aKey(kid: string, fields: Partial<StoredSigningKey> = {}): StoredSigningKey {
  const createdAt = fields.createdAt ?? 1_700_000_000_000;
  return {
    kid,
    alg: 'RS256',
    publicJwk: JSON.stringify({ kty: 'RSA', kid, n: 'sXch', e: 'AQAB' }),
    privateKey: `-----BEGIN PRIVATE KEY-----\n${kid}\n-----END PRIVATE KEY-----\n`,
    encrypted: false,
    createdAt,
    publishFrom: createdAt,
    signFrom: createdAt,
    retiredAt: null,
    publishUntil: null,
    supersedes: `test:${kid}`,
    ...fields,
  };
}
