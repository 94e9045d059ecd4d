import type { ClientSecret } from './trusted-application.js';

/**
 * A registered API (Duende's ApiResource, RFC 7662 2.1 "protected resource"): the audience its tokens
 * carry, and the scopes that belong to it. A token granted one of those scopes names the API in `aud`.
 * It authenticates (at introspection and the revocation feed) with its audience as client_id and one of
 * its secrets.
 */
export interface RegisteredApi {
  audience: string;
  displayName: string;
  /** sorted; each belongs to this API only */
  scopes: string[];
  createdAt: number;
  updatedAt: number;
}

/** An API's secret: the same shape as an app's (`clientId` holds the audience). */
export type ApiSecret = ClientSecret;
