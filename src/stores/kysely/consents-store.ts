import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// placeholder: the sign-in helper implements this store
export class ConsentsStore {
  constructor(private readonly db: Kysely<Database>) {}
}
