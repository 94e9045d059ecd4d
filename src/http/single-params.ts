import type { FastifyRequest } from 'fastify';
import { invalidRequest, type OAuthError } from '../errors/oauth-error.js';
import { isStorableText } from '../domain/text.js';

/** Longest value accepted for any single parameter. */
export const MAX_PARAM_LENGTH = 4096;

/**
 * Request parameters where each name may appear at most once (RFC 6749 3.1). Empty values count as
 * absent. Values that repeat, are not text, are too long or contain NUL are refused.
 */
export class SingleParams {
  private constructor(
    private readonly values: Map<string, string[]>,
    private readonly malformed: Set<string>,
  ) {}

  /** From the query string of a GET (parsed from the raw URL so repeats are always seen). */
  static fromQuery(request: FastifyRequest): SingleParams {
    const raw = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const values = new Map<string, string[]>();
    for (const [name, value] of new URLSearchParams(raw)) {
      values.set(name, [...(values.get(name) ?? []), value]);
    }
    return new SingleParams(values, new Set());
  }

  /**
   * From the body of a POST, which must be application/x-www-form-urlencoded (HTML forms, OpenID
   * Connect Core 3.1.2.1); arrays mean a repeated field.
   */
  static fromForm(request: FastifyRequest, fail: (description: string) => OAuthError = invalidRequest): SingleParams {
    const type = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      throw fail('the request body must be application/x-www-form-urlencoded');
    }
    return SingleParams.fromBody(request.body);
  }

  /** From a parsed body; arrays mean a repeated field, other non-text values are malformed. */
  static fromBody(body: unknown): SingleParams {
    const values = new Map<string, string[]>();
    const malformed = new Set<string>();
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
        const list = Array.isArray(value) ? value : [value];
        if (list.some((v) => typeof v !== 'string')) malformed.add(name);
        else values.set(name, list as string[]);
      }
    }
    return new SingleParams(values, malformed);
  }

  /** Whether the parameter was sent more than once (or not as text). */
  isRepeated(name: string): boolean {
    return this.malformed.has(name) || (this.values.get(name)?.length ?? 0) > 1;
  }

  /** The value, or undefined when absent or empty; throws invalid_request (made by `fail`) when malformed. */
  get(name: string, fail: (description: string) => OAuthError = invalidRequest): string | undefined {
    if (this.malformed.has(name)) throw fail(`the parameter ${name} is malformed`);
    const list = this.values.get(name);
    if (!list || list.length === 0) return undefined;
    if (list.length > 1) throw fail(`the parameter ${name} must not be repeated`);
    const value = list[0]!;
    if (value === '') return undefined;
    if (value.length > MAX_PARAM_LENGTH) throw fail(`the parameter ${name} is too long`);
    if (!isStorableText(value)) throw fail(`the parameter ${name} contains a NUL character or an unpaired surrogate`);
    return value;
  }

  /** First repeated parameter among all, for the "repeated parameters are invalid" rule. */
  firstRepeated(): string | undefined {
    for (const name of this.malformed) return name;
    for (const [name, list] of this.values) if (list.length > 1) return name;
    return undefined;
  }
}
