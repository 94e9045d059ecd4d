import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// placeholder: the sign-in helper implements this store
export class ThrottlesStore {
  constructor(private readonly db: Kysely<Database>) {}
}
