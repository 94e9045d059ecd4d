import { parse, stringify } from 'yaml';
import { AdminError, invalid } from '../errors/admin-error.js';
import { checkClientSecret } from '../checks/registration/secret.js';
import { isSecretActive, type AccessTokensPolicy, type TrustedApplication } from '../domain/trusted-application.js';
import { isBuiltInClientId } from '../domain/built-in-apps.js';
import { parseDurationSeconds } from '../domain/duration.js';
import { sha256 } from '../tokens/opaque.js';
import type { AdminDeps } from './admin-deps.js';
import { APP_SETTINGS, AppService, type AppChanges, type NewAppInput } from './app-service.js';
import { ApiService, checkApiScopes, checkAudience } from './api-service.js';
import { checkDisplayName } from '../checks/registration/display-name.js';

/**
 * Declarative configuration (`trustgate export` / `trustgate apply -f`): the apps and their settings as
 * one YAML document. Secrets are never in it, only references (`secretFrom: {env: NAME}` or
 * `{file: path}`) that the applying side resolves. Applying is idempotent: what already matches is left
 * alone, so a second apply changes nothing. Apps missing from the file and secrets not named in it are
 * never removed.
 */
export const CONFIG_VERSION = 1;

export type SecretRef = { env: string } | { file: string };

export interface SecretSpec {
  secretFrom: SecretRef;
  description?: string;
  /** ISO 8601 */
  expiresAt?: string;
}

/** The settings of one app; in a file every one but clientId may be left out (left out: unchanged, or the default for a new app). */
export interface AppSpec {
  clientId: string;
  displayName?: string;
  clientType?: 'public' | 'confidential';
  enabled?: boolean;
  loginRedirectUris?: string[];
  logoutRedirectUris?: string[];
  scopes?: string[];
  allowInternalUsers?: boolean;
  allowCommunityUsers?: boolean;
  allowRefreshTokens?: boolean;
  requireConsent?: boolean;
  requireMfa?: boolean;
  /** the app may request trustgate:admin (the admin API) */
  adminApi?: boolean;
  /** seconds */
  accessTokenLifetime?: number;
  /** seconds */
  refreshTokenLifetime?: number;
  idTokenSignedResponseAlg?: string | null;
  accessTokenSigningAlg?: string | null;
  /** none | users | admins (long-lived reference tokens) */
  accessTokens?: AccessTokensPolicy;
  /** authorization requests must be pushed (RFC 9126) */
  requirePar?: boolean;
  /** token requests must carry a DPoP proof (RFC 9449) */
  requireDpop?: boolean;
  /** a service app's system user (its login; null: none) */
  systemUser?: string | null;
  /** private_key_jwt: where the app publishes its public keys (null: none) */
  jwksUri?: string | null;
  /** private_key_jwt: the app's public keys as a JWK Set (null: none) */
  jwks?: Record<string, unknown> | null;
  /** the refresh reuse grace window in seconds (null: REFRESH_REUSE_GRACE_SECONDS) */
  refreshReuseGraceSeconds?: number | null;
  secrets?: SecretSpec[];
}

/** A registered API (protected resource): its audience, name and the scopes it owns. */
export interface ApiSpec {
  audience: string;
  displayName?: string;
  scopes?: string[];
  secrets?: SecretSpec[];
}

export interface ConfigDocument {
  version: number;
  apis?: ApiSpec[];
  apps: AppSpec[];
}

/** The settings a file carries, in the order they are written. */
type Setting = Exclude<(typeof APP_SETTINGS)[number], (typeof NOT_IN_FILES)[number]>;
/**
 * Settings a file writes in another form (EXTRA_SETTINGS below): the system user by its login, not its
 * id; client keys and the grace window, which may be null.
 */
const NOT_IN_FILES = ['systemUserId', 'jwks', 'jwksUri', 'refreshReuseGraceSeconds'] as const;
/** Written only when set; in a file, null removes (or, for the grace window, means the server's default). */
const EXTRA_SETTINGS = ['systemUser', 'jwksUri', 'jwks', 'refreshReuseGraceSeconds'] as const;
type ExtraSetting = (typeof EXTRA_SETTINGS)[number];
const SETTINGS = APP_SETTINGS.filter((name): name is Setting => !(NOT_IN_FILES as readonly string[]).includes(name));

const BOOLEANS = new Set<Setting>(['enabled', 'allowInternalUsers', 'allowCommunityUsers', 'allowRefreshTokens', 'requireConsent', 'requireMfa', 'requirePar', 'requireDpop', 'adminApi']);
const LISTS = new Set<Setting>(['loginRedirectUris', 'logoutRedirectUris', 'scopes']);
const LIFETIMES = new Set<Setting>(['accessTokenLifetime', 'refreshTokenLifetime']);
const ALGS = new Set<Setting>(['idTokenSignedResponseAlg', 'accessTokenSigningAlg']);

/** One change `apply` makes (or, with a dry run, would make). */
export type ConfigChange =
  | { kind: 'create'; clientId: string; settings: Partial<Record<Setting | ExtraSetting, unknown>>; secrets: string[] }
  | { kind: 'update'; clientId: string; changes: { field: Setting | ExtraSetting; from: unknown; to: unknown }[] }
  | { kind: 'add_secret'; clientId: string; secret: string }
  | { kind: 'unchanged'; clientId: string }
  | { kind: 'create_api'; audience: string; displayName: string; scopes: string[]; secrets: string[] }
  | { kind: 'update_api'; audience: string; changes: { field: 'displayName' | 'scopes'; from: unknown; to: unknown }[] }
  | { kind: 'add_api_secret'; audience: string; secret: string }
  | { kind: 'unchanged_api'; audience: string };

/** How the applying side reads a referenced secret: its value, or why it cannot. */
export type SecretResolver = (ref: SecretRef) => Promise<{ value: string } | { problem: string }>;

/** A document as YAML text (each surface may put its own comment lines above it). */
export function configToYaml(doc: ConfigDocument): string {
  return stringify(doc, { lineWidth: 0 });
}

/** Reads a file's text into a document, checking its shape; AdminError (fields like `apps[0].scopes`) when it is wrong. */
export function parseConfigText(text: string): ConfigDocument {
  let raw: unknown;
  try {
    raw = parse(text, { prettyErrors: false, uniqueKeys: true });
  } catch (error) {
    throw invalid('config_not_yaml', `the file is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, ['file']);
  }
  if (!isRecord(raw)) throw invalid('config_shape', 'the file must be a mapping with "version" and "apps"', ['file']);
  unknownKeys(raw, ['version', 'apis', 'apps'], '');
  if (raw.version !== CONFIG_VERSION) {
    throw invalid('config_version', `version must be ${CONFIG_VERSION}, got ${JSON.stringify(raw.version ?? null)}`, ['version']);
  }
  const apps = raw.apps ?? [];
  if (!Array.isArray(apps)) throw invalid('config_shape', '"apps" must be a list', ['apps']);
  const seen = new Set<string>();
  const specs = apps.map((entry, i) => {
    const spec = parseAppSpec(entry, `apps[${i}]`);
    if (seen.has(spec.clientId)) throw invalid('config_duplicate_app', `the app "${spec.clientId}" appears twice`, [`apps[${i}].clientId`]);
    seen.add(spec.clientId);
    return spec;
  });
  const apis = raw.apis ?? [];
  if (!Array.isArray(apis)) throw invalid('config_shape', '"apis" must be a list', ['apis']);
  const audiences = new Set<string>();
  const apiSpecs = apis.map((entry, i) => {
    const spec = parseApiSpec(entry, `apis[${i}]`);
    if (audiences.has(spec.audience)) throw invalid('config_duplicate_api', `the API "${spec.audience}" appears twice`, [`apis[${i}].audience`]);
    audiences.add(spec.audience);
    return spec;
  });
  return { version: CONFIG_VERSION, ...(apiSpecs.length > 0 ? { apis: apiSpecs } : {}), apps: specs };
}

function parseApiSpec(entry: unknown, at: string): ApiSpec {
  if (!isRecord(entry)) throw invalid('config_shape', `${at} must be a mapping of API settings`, [at]);
  unknownKeys(entry, ['audience', 'displayName', 'scopes', 'secrets'], at);
  if (typeof entry.audience !== 'string' || entry.audience === '') throw invalid('config_shape', `${at}.audience must be the API's audience`, [`${at}.audience`]);
  const spec: ApiSpec = { audience: entry.audience };
  if (entry.displayName !== undefined) {
    if (typeof entry.displayName !== 'string') throw invalid('config_shape', `${at}.displayName must be text`, [`${at}.displayName`]);
    spec.displayName = entry.displayName;
  }
  if (entry.scopes !== undefined) {
    const list = typeof entry.scopes === 'string' ? entry.scopes.split(/\s+/).filter((scope) => scope !== '') : entry.scopes;
    if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) throw invalid('config_shape', `${at}.scopes must be a list of strings`, [`${at}.scopes`]);
    spec.scopes = list;
  }
  if (entry.secrets !== undefined) {
    if (!Array.isArray(entry.secrets)) throw invalid('config_shape', `${at}.secrets must be a list`, [`${at}.secrets`]);
    spec.secrets = entry.secrets.map((secret, j) => parseSecretSpec(secret, `${at}.secrets[${j}]`));
  }
  return spec;
}

function parseAppSpec(entry: unknown, at: string): AppSpec {
  if (!isRecord(entry)) throw invalid('config_shape', `${at} must be a mapping of app settings`, [at]);
  unknownKeys(entry, ['clientId', ...SETTINGS, ...EXTRA_SETTINGS, 'secrets'], at);
  if (typeof entry.clientId !== 'string' || entry.clientId === '') throw invalid('config_shape', `${at}.clientId must be the app's ApplicationUri`, [`${at}.clientId`]);
  const spec: AppSpec = { clientId: entry.clientId };
  const out = spec as unknown as Record<string, unknown>;
  for (const name of SETTINGS) {
    const value = entry[name];
    if (value === undefined) continue;
    const field = `${at}.${name}`;
    if (BOOLEANS.has(name)) {
      if (typeof value !== 'boolean') throw invalid('config_shape', `${field} must be true or false`, [field]);
      out[name] = value;
    } else if (LISTS.has(name)) {
      const list = name === 'scopes' && typeof value === 'string' ? value.split(/\s+/).filter((s) => s !== '') : value;
      if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) throw invalid('config_shape', `${field} must be a list of strings`, [field]);
      out[name] = list;
    } else if (LIFETIMES.has(name)) {
      const seconds = typeof value === 'number' ? value : typeof value === 'string' ? parseDurationSeconds(value) : undefined;
      if (seconds === undefined || !Number.isInteger(seconds)) throw invalid('config_shape', `${field} must be seconds or a duration such as 1h or 30d`, [field]);
      out[name] = seconds;
    } else if (ALGS.has(name)) {
      if (value !== null && typeof value !== 'string') throw invalid('config_shape', `${field} must be RS256, ES256, EdDSA or null (SIGNING_ALG)`, [field]);
      out[name] = value;
    } else {
      if (typeof value !== 'string') throw invalid('config_shape', `${field} must be text`, [field]);
      out[name] = value;
    }
  }
  parseExtraSettings(entry, at, spec);
  if (entry.secrets !== undefined) {
    if (!Array.isArray(entry.secrets)) throw invalid('config_shape', `${at}.secrets must be a list`, [`${at}.secrets`]);
    spec.secrets = entry.secrets.map((secret, j) => parseSecretSpec(secret, `${at}.secrets[${j}]`));
  }
  return spec;
}

function parseExtraSettings(entry: Record<string, unknown>, at: string, spec: AppSpec): void {
  const nullableText = (name: 'systemUser' | 'jwksUri') => {
    const value = entry[name];
    if (value === undefined) return;
    if (value !== null && typeof value !== 'string') throw invalid('config_shape', `${at}.${name} must be text or null`, [`${at}.${name}`]);
    spec[name] = value;
  };
  nullableText('systemUser');
  nullableText('jwksUri');
  if (entry.jwks !== undefined) {
    if (entry.jwks !== null && !isRecord(entry.jwks)) throw invalid('config_shape', `${at}.jwks must be a JWK Set ({keys: [...]}) or null`, [`${at}.jwks`]);
    spec.jwks = entry.jwks;
  }
  const grace = entry.refreshReuseGraceSeconds;
  if (grace !== undefined) {
    if (grace !== null && !(typeof grace === 'number' && Number.isInteger(grace))) {
      throw invalid('config_shape', `${at}.refreshReuseGraceSeconds must be whole seconds or null (REFRESH_REUSE_GRACE_SECONDS)`, [`${at}.refreshReuseGraceSeconds`]);
    }
    spec.refreshReuseGraceSeconds = grace;
  }
}

function parseSecretSpec(entry: unknown, at: string): SecretSpec {
  if (!isRecord(entry)) throw invalid('config_shape', `${at} must be a mapping with secretFrom`, [at]);
  if ('secret' in entry || 'value' in entry) {
    throw invalid('config_secret_inline', `${at}: secrets are never written in the file; reference one with secretFrom: {env: NAME} or {file: path}`, [at]);
  }
  unknownKeys(entry, ['secretFrom', 'description', 'expiresAt'], at);
  const from = entry.secretFrom;
  let ref: SecretRef;
  if (isRecord(from) && Object.keys(from).length === 1 && typeof from.env === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(from.env)) ref = { env: from.env };
  else if (isRecord(from) && Object.keys(from).length === 1 && typeof from.file === 'string' && from.file !== '') ref = { file: from.file };
  else throw invalid('config_shape', `${at}.secretFrom must be {env: NAME} or {file: path}`, [`${at}.secretFrom`]);
  const spec: SecretSpec = { secretFrom: ref };
  if (entry.description !== undefined) {
    if (typeof entry.description !== 'string') throw invalid('config_shape', `${at}.description must be text`, [`${at}.description`]);
    spec.description = entry.description;
  }
  if (entry.expiresAt !== undefined) {
    const text = entry.expiresAt instanceof Date ? entry.expiresAt.toISOString() : entry.expiresAt;
    if (typeof text !== 'string' || Number.isNaN(Date.parse(text))) throw invalid('config_shape', `${at}.expiresAt must be an ISO 8601 time`, [`${at}.expiresAt`]);
    spec.expiresAt = text;
  }
  return spec;
}

function unknownKeys(record: Record<string, unknown>, known: readonly string[], at: string): void {
  const extra = Object.keys(record).find((key) => !known.includes(key));
  if (extra !== undefined) {
    const field = at ? `${at}.${extra}` : extra;
    throw invalid('config_unknown_field', `unknown field ${field} (known: ${known.join(', ')})`, [field]);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

export function describeSecretRef(ref: SecretRef): string {
  return 'env' in ref ? `environment variable ${ref.env}` : `file ${ref.file}`;
}

/** Export and apply: the one rule set behind `trustgate export`/`apply` (and the admin API). */
export class ConfigFileService {
  constructor(private readonly deps: AdminDeps) {}

  /** Every app an administrator registered (not the built-in ones), with all its settings; never a secret. */
  async export(): Promise<ConfigDocument> {
    const apps = (await this.deps.store.apps.list()).filter((app) => !isBuiltInClientId(app.clientId));
    apps.sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
    const apis = await this.deps.store.apis.list();
    apis.sort((a, b) => (a.audience < b.audience ? -1 : a.audience > b.audience ? 1 : 0));
    return {
      version: CONFIG_VERSION,
      ...(apis.length > 0 ? { apis: apis.map((api) => ({ audience: api.audience, displayName: api.displayName, scopes: api.scopes })) } : {}),
      apps: await Promise.all(
        apps.map(async (app) => {
          const spec: Record<string, unknown> = { clientId: app.clientId };
          for (const name of SETTINGS) spec[name] = app[name];
          for (const [name, value] of Object.entries(await this.extraSettingsOf(app))) if (value !== null) spec[name] = value;
          return spec as unknown as AppSpec;
        }),
      ),
    };
  }

  /** The settings a file writes in their own form: the system user's login, client keys, the grace window. */
  private async extraSettingsOf(app: TrustedApplication): Promise<Record<ExtraSetting, unknown>> {
    const systemUser = app.systemUserId ? ((await this.deps.store.users.getById(app.systemUserId))?.login ?? null) : null;
    return { systemUser, jwksUri: app.jwksUri ?? null, jwks: app.jwks ?? null, refreshReuseGraceSeconds: app.refreshReuseGraceSeconds };
  }

  /**
   * Brings the apps to what the document says: creates missing apps, updates settings that differ, adds
   * referenced secrets the app does not hold yet, in file order, through AppService (every registration
   * rule applies, every change is audited with the deps' actor). Every secret is resolved and every
   * app checked against the rules (AppService.prepareCreate/prepareUpdate) before anything changes, so a
   * refused file changes nothing and a dry run reports the same refusals. With `dryRun` nothing changes. Returns the changes (also when nothing changed: all `unchanged`).
   */
  async apply(doc: ConfigDocument, resolve: SecretResolver, options: { dryRun?: boolean } = {}): Promise<ConfigChange[]> {
    const now = this.deps.now();
    const planned: { spec: AppSpec; current: TrustedApplication | undefined; secrets: { value: string; spec: SecretSpec; held: boolean }[] }[] = [];
    for (const [i, spec] of doc.apps.entries()) {
      if (isBuiltInClientId(spec.clientId)) {
        throw invalid('builtin_app', `"${spec.clientId}" is built into Trustgate and cannot be configured`, [`apps[${i}].clientId`]);
      }
      const current = await this.deps.store.apps.get(spec.clientId);
      const heldHashes = new Set(
        current ? (await this.deps.store.apps.listSecrets(spec.clientId)).filter((s) => isSecretActive(s, now)).map((s) => s.secretHash) : [],
      );
      const secrets = [];
      for (const [j, secret] of (spec.secrets ?? []).entries()) {
        const resolved = await resolve(secret.secretFrom);
        if ('problem' in resolved) {
          throw invalid('config_secret_unresolved', `apps[${i}].secrets[${j}]: ${describeSecretRef(secret.secretFrom)}: ${resolved.problem}`, [`apps[${i}].secrets[${j}].secretFrom`]);
        }
        secrets.push({ value: resolved.value, spec: secret, held: heldHashes.has(sha256(resolved.value)) });
      }
      if (!current && !spec.displayName) throw invalid('config_shape', `apps[${i}]: a new app needs displayName`, [`apps[${i}].displayName`]);
      if (!current && !spec.clientType) throw invalid('config_shape', `apps[${i}]: a new app needs clientType`, [`apps[${i}].clientType`]);
      planned.push({ spec, current, secrets });
    }

    const changes: ConfigChange[] = [];
    const actions: (() => Promise<unknown>)[] = [];
    // registered APIs first: the apps' scopes may belong to them
    await this.planApis(doc.apis ?? [], resolve, now, changes, actions);
    const service = new AppService(this.deps);
    for (const [i, { spec, current, secrets }] of planned.entries()) {
      const within = <T>(check: () => T): T => {
        try {
          return check();
        } catch (error) {
          if (error instanceof AdminError) {
            throw new AdminError(error.reason, `apps[${i}] (${spec.clientId}): ${error.message}`, { kind: error.code, fields: error.fields.map((field) => `apps[${i}].${field}`) });
          }
          throw error;
        }
      };
      const withinAsync = async <T>(check: () => Promise<T>): Promise<T> => {
        try {
          return await check();
        } catch (error) {
          return within(() => {
            throw error;
          });
        }
      };
      if (!current) {
        const settings: Partial<Record<Setting | ExtraSetting, unknown>> = {};
        for (const name of [...SETTINGS, ...EXTRA_SETTINGS]) if (spec[name] !== undefined) settings[name] = spec[name];
        const [first, ...rest] = secrets;
        const input = { ...(settings as Partial<NewAppInput>), clientId: spec.clientId, ...(first ? firstSecret(first) : {}) } as NewAppInput;
        // every rule of `app create` (and of the further secrets) before anything changes
        await withinAsync(() => service.prepareCreate(input));
        for (const secret of rest) within(() => checkExtraSecret(secret, now));
        changes.push({ kind: 'create', clientId: spec.clientId, settings, secrets: secrets.map((secret) => describeSecretRef(secret.spec.secretFrom)) });
        actions.push(async () => {
          await service.create(input);
          for (const secret of rest) await service.addSecret(spec.clientId, secretInput(secret));
        });
        continue;
      }
      const diff: { field: Setting | ExtraSetting; from: unknown; to: unknown }[] = [];
      for (const name of SETTINGS) {
        const wanted = spec[name];
        if (wanted !== undefined && JSON.stringify(wanted) !== JSON.stringify(current[name])) diff.push({ field: name, from: current[name], to: wanted });
      }
      const extras = await this.extraSettingsOf(current);
      for (const name of EXTRA_SETTINGS) {
        const wanted = spec[name];
        if (wanted !== undefined && JSON.stringify(wanted) !== JSON.stringify(extras[name])) diff.push({ field: name, from: extras[name], to: wanted });
      }
      const toAdd = secrets.filter((secret) => !secret.held);
      if (diff.length === 0 && toAdd.length === 0) {
        changes.push({ kind: 'unchanged', clientId: spec.clientId });
        continue;
      }
      const update: Record<string, unknown> = {};
      for (const { field, to } of diff) update[field] = to;
      // a public app becoming confidential gets its first secret with the change
      const first = current.clientType === 'public' && update.clientType === 'confidential' ? toAdd.shift() : undefined;
      const changesToMake = { ...(update as AppChanges), ...(first ? firstSecret(first) : {}) };
      if (diff.length > 0) await withinAsync(() => service.prepareUpdate(spec.clientId, changesToMake));
      const finalType = (update.clientType as string | undefined) ?? current.clientType;
      for (const secret of toAdd) {
        if (finalType === 'public') within(() => { throw invalid('public_app_secret', `"${spec.clientId}" is a public app and cannot have a secret`, ['secrets']); });
        within(() => checkExtraSecret(secret, now));
      }
      if (diff.length > 0) changes.push({ kind: 'update', clientId: spec.clientId, changes: diff });
      for (const secret of [...(first ? [first] : []), ...toAdd]) {
        changes.push({ kind: 'add_secret', clientId: spec.clientId, secret: describeSecretRef(secret.spec.secretFrom) });
      }
      actions.push(async () => {
        if (diff.length > 0) await service.update(spec.clientId, changesToMake);
        for (const secret of toAdd) await service.addSecret(spec.clientId, secretInput(secret));
      });
    }
    if (!options.dryRun) for (const action of actions) await action();
    return changes;
  }

  private async planApis(
    specs: readonly ApiSpec[],
    resolve: SecretResolver,
    now: number,
    changes: ConfigChange[],
    actions: (() => Promise<unknown>)[],
  ): Promise<void> {
    const apis = new ApiService(this.deps);
    for (const [i, spec] of specs.entries()) {
      const where = `apis[${i}]`;
      const secrets = await resolveSecrets(spec.secrets ?? [], where, resolve);
      const current = await this.deps.store.apis.get(spec.audience);
      const scopes = spec.scopes === undefined ? undefined : at(where, spec.audience, () => checkApiScopes(spec.scopes!));
      for (const secret of secrets) at(where, spec.audience, () => checkExtraSecret(secret, now));
      if (!current) {
        at(where, spec.audience, () => checkAudience(spec.audience));
        if (spec.displayName === undefined) throw invalid('config_shape', `${where}: a new API needs displayName`, [`${where}.displayName`]);
        at(where, spec.audience, () => checkDisplayName(spec.displayName!, 'API name'));
        const [first, ...rest] = secrets;
        if (!first) throw invalid('config_shape', `${where} (${spec.audience}): a new API authenticates with a secret: reference one in secrets`, [`${where}.secrets`]);
        changes.push({ kind: 'create_api', audience: spec.audience, displayName: spec.displayName, scopes: scopes ?? [], secrets: secrets.map((s) => describeSecretRef(s.spec.secretFrom)) });
        actions.push(async () => {
          await apis.create({ audience: spec.audience, displayName: spec.displayName!, scopes: scopes ?? [], secret: first.value });
          // the API is created with the first secret (ApiService.create keeps no description or expiry for it)
          for (const secret of rest) await apis.addSecret(spec.audience, secretInput(secret));
        });
        continue;
      }
      const diff: { field: 'displayName' | 'scopes'; from: unknown; to: unknown }[] = [];
      if (spec.displayName !== undefined && spec.displayName !== current.displayName) {
        at(where, spec.audience, () => checkDisplayName(spec.displayName!, 'API name'));
        diff.push({ field: 'displayName', from: current.displayName, to: spec.displayName });
      }
      if (scopes !== undefined && JSON.stringify([...scopes].sort()) !== JSON.stringify([...current.scopes].sort())) {
        diff.push({ field: 'scopes', from: current.scopes, to: scopes });
      }
      const held = new Set((await this.deps.store.apis.listSecrets(spec.audience)).filter((s) => isSecretActive(s, now)).map((s) => s.secretHash));
      const toAdd = secrets.filter((secret) => !held.has(sha256(secret.value)));
      if (diff.length === 0 && toAdd.length === 0) {
        changes.push({ kind: 'unchanged_api', audience: spec.audience });
        continue;
      }
      if (diff.length > 0) changes.push({ kind: 'update_api', audience: spec.audience, changes: diff });
      for (const secret of toAdd) changes.push({ kind: 'add_api_secret', audience: spec.audience, secret: describeSecretRef(secret.spec.secretFrom) });
      actions.push(async () => {
        if (diff.length > 0) {
          await apis.update(spec.audience, {
            ...(diff.some((d) => d.field === 'displayName') ? { displayName: spec.displayName! } : {}),
            ...(diff.some((d) => d.field === 'scopes') ? { scopes: scopes! } : {}),
          });
        }
        for (const secret of toAdd) await apis.addSecret(spec.audience, secretInput(secret));
      });
    }
  }
}

/** The rules `app secret add` applies to a secret given by value, checked before anything changes. */
async function resolveSecrets(specs: readonly SecretSpec[], where: string, resolve: SecretResolver): Promise<{ value: string; spec: SecretSpec }[]> {
  const out = [];
  for (const [j, spec] of specs.entries()) {
    const resolved = await resolve(spec.secretFrom);
    if ('problem' in resolved) {
      throw invalid('config_secret_unresolved', `${where}.secrets[${j}]: ${describeSecretRef(spec.secretFrom)}: ${resolved.problem}`, [`${where}.secrets[${j}].secretFrom`]);
    }
    out.push({ value: resolved.value, spec });
  }
  return out;
}

function checkExtraSecret(secret: { value: string; spec: SecretSpec }, now: number): void {
  checkClientSecret(secret.value);
  if (secret.spec.expiresAt !== undefined && Date.parse(secret.spec.expiresAt) <= now) {
    throw invalid('secret_expiry_past', 'the secret expiry must be in the future', ['expiresAt']);
  }
}

/** The secret an app is created with (or becomes confidential with), with its description and expiry. */
function firstSecret(secret: { value: string; spec: SecretSpec }) {
  return {
    secret: secret.value,
    ...(secret.spec.description !== undefined ? { secretDescription: secret.spec.description } : {}),
    ...(secret.spec.expiresAt !== undefined ? { secretExpiresAt: Date.parse(secret.spec.expiresAt) } : {}),
  };
}

/** Rewords a refusal for the place in the file it comes from: `apis[0] (erp-api): …`, fields `apis[0].scopes`. */
function at<T>(where: string, name: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof AdminError) {
      throw new AdminError(error.reason, `${where} (${name}): ${error.message}`, { kind: error.code, fields: error.fields.map((field) => `${where}.${field}`) });
    }
    throw error;
  }
}

function secretInput(secret: { value: string; spec: SecretSpec }) {
  return {
    secret: secret.value,
    ...(secret.spec.description !== undefined ? { description: secret.spec.description } : {}),
    ...(secret.spec.expiresAt !== undefined ? { expiresAt: Date.parse(secret.spec.expiresAt) } : {}),
  };
}

