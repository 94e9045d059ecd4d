import { Redis } from 'ioredis';

/**
 * The production-style peer's storage: an oidc-provider adapter over Redis, structured as the Redis
 * example of oidc-provider's documentation (example/adapters/redis.js): one key per record, a hash
 * for consumable records (so `consume` sets one field), a list of record keys per grant (revocation
 * by grant), uid and user-code index keys, every key with the record's TTL, one MULTI per upsert.
 * This is how a multi-node oidc-provider is deployed. The benchmark gives it its own key prefix
 * (REDIS_PREFIX) and deletes only its own keys afterwards.
 */
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const CONSUMABLE = new Set(['AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);

type Payload = Record<string, unknown> & { grantId?: string; uid?: string; userCode?: string };

let client: Redis | undefined;

/** The shared connection (created on first use from REDIS_URL, keys prefixed with REDIS_PREFIX). */
export function redisClient(): Redis {
  client ??= new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { keyPrefix: process.env.REDIS_PREFIX ?? 'oidc:' });
  return client;
}

const grantKeyFor = (id: string) => `grant:${id}`;
const userCodeKeyFor = (userCode: string) => `userCode:${userCode}`;
const uidKeyFor = (uid: string) => `uid:${uid}`;

export class PeerRedisAdapter {
  constructor(private readonly name: string) {}

  private key(id: string): string {
    return `${this.name}:${id}`;
  }

  async upsert(id: string, payload: Payload, expiresIn?: number): Promise<void> {
    const redis = redisClient();
    const key = this.key(id);
    const multi = redis.multi();
    if (CONSUMABLE.has(this.name)) multi.hset(key, { payload: JSON.stringify(payload) });
    else multi.set(key, JSON.stringify(payload));
    if (expiresIn) multi.expire(key, expiresIn);
    if (GRANTABLE.has(this.name) && payload.grantId) {
      const grantKey = grantKeyFor(payload.grantId);
      multi.rpush(grantKey, key);
      // as in the example: the grant list lives as long as its longest-lived member
      const ttl = await redis.ttl(grantKey);
      if (expiresIn && expiresIn > ttl) multi.expire(grantKey, expiresIn);
    }
    if (payload.userCode) {
      const userCodeKey = userCodeKeyFor(payload.userCode);
      multi.set(userCodeKey, id);
      if (expiresIn) multi.expire(userCodeKey, expiresIn);
    }
    if (payload.uid) {
      const uidKey = uidKeyFor(payload.uid);
      multi.set(uidKey, id);
      if (expiresIn) multi.expire(uidKey, expiresIn);
    }
    await multi.exec();
  }

  async find(id: string): Promise<Payload | undefined> {
    const redis = redisClient();
    if (CONSUMABLE.has(this.name)) {
      const data = await redis.hgetall(this.key(id));
      if (!data || Object.keys(data).length === 0) return undefined;
      const { payload, ...rest } = data;
      return { ...rest, ...(JSON.parse(payload ?? '{}') as Payload) };
    }
    const data = await redis.get(this.key(id));
    return data ? (JSON.parse(data) as Payload) : undefined;
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    const id = await redisClient().get(uidKeyFor(uid));
    return id ? this.find(id) : undefined;
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    const id = await redisClient().get(userCodeKeyFor(userCode));
    return id ? this.find(id) : undefined;
  }

  async destroy(id: string): Promise<void> {
    await redisClient().del(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const redis = redisClient();
    const multi = redis.multi();
    const tokens = await redis.lrange(grantKeyFor(grantId), 0, -1);
    // the list holds the keys as this client names them; the client adds its prefix to each DEL
    for (const token of tokens) multi.del(token);
    multi.del(grantKeyFor(grantId));
    await multi.exec();
  }

  async consume(id: string): Promise<void> {
    await redisClient().hset(this.key(id), 'consumed', Math.floor(Date.now() / 1000));
  }
}
