import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// placeholder: the sign-in helper implements this store
export class SessionsStore {
  constructor(private readonly db: Kysely<Database>) {}
}
