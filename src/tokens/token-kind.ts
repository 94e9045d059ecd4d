/** Our access tokens are compact JWS; refresh tokens are opaque base64url values without dots. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token);
}

/** Longest token value worth looking up (ours are far shorter). */
export const MAX_TOKEN_LENGTH = 8192;
