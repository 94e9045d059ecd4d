import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.js';
import * as m003 from './003-password-resets.js';

/** Numbered migrations, in order. Add new ones at the end; never edit a released one. */
const migrations: Record<string, Migration> = {
  '001-initial': m001,
  '003-password-resets': m003,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
