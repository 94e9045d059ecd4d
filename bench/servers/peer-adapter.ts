import { ExpiringMap } from './peer-storage.js';

/** Models whose records belong to a grant (revoked together with it). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

const storage = new ExpiringMap();
/** grantId → keys of the records issued under it */
const grants = new Map<string, Set<string>>();

// forget members that expired, so a long-lived grant's set does not grow without bound
setInterval(() => {
  for (const [grantId, keys] of grants) {
    for (const key of keys) if (storage.get(key) === undefined) keys.delete(key);
    if (keys.size === 0) grants.delete(grantId);
  }
}, 60_000).unref();

type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string; consumed?: number };

/**
 * The peer's storage adapter: the semantics of oidc-provider's own MemoryAdapter (records with a TTL,
 * session-by-uid and user-code indexes, revocation by grant, consume by timestamp), with O(1)
 * operations. oidc-provider's adapter rewrites and prunes a grant's whole member list on every
 * upsert — O(members) — which, with consent remembered in one grant per user and app as here,
 * slows every authorization down as codes pile up; a database adapter would not.
 */
export class PeerMemoryAdapter {
  constructor(private readonly model: string) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    const options = typeof expiresIn === 'number' ? { maxAge: expiresIn * 1000 } : undefined;
    if (this.model === 'Session' && payload.uid) storage.set(`sessionUid:${payload.uid}`, id, options);
    if (payload.userCode) storage.set(`userCode:${payload.userCode}`, id, options);
    if (payload.grantId && GRANTABLE.has(this.model)) {
      let members = grants.get(payload.grantId);
      if (!members) grants.set(payload.grantId, (members = new Set()));
      members.add(key);
    }
    storage.set(key, payload, options);
  }

  async find(id: string): Promise<Payload | undefined> {
    return storage.get(this.key(id)) as Payload | undefined;
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    const id = storage.get(`sessionUid:${uid}`) as string | undefined;
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    const id = storage.get(`userCode:${userCode}`) as string | undefined;
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    const payload = storage.get(this.key(id)) as Payload | undefined;
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    const key = this.key(id);
    const payload = storage.get(key) as Payload | undefined;
    storage.delete(key);
    if (payload?.grantId) grants.get(payload.grantId)?.delete(key);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const members = grants.get(grantId);
    if (!members) return;
    for (const key of members) storage.delete(key);
    grants.delete(grantId);
  }
}
