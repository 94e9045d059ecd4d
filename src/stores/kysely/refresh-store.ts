import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

// placeholder: the token helper implements this store
export class RefreshStore {
  constructor(private readonly db: Kysely<Database>) {}
}
