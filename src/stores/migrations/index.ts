import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.js';
import * as m002 from './002-throttle-counters.js';
import * as m003 from './003-password-resets.js';
import * as m004 from './004-session-binding.js';
import * as m005 from './005-second-factors.js';
import * as m006 from './006-key-stages-and-app-algorithms.js';
import * as m011 from './011-audit-events.js';

/** Numbered migrations, in order. Add new ones at the end; never edit a released one. */
const migrations: Record<string, Migration> = {
  '001-initial': m001,
  '002-throttle-counters': m002,
  '003-password-resets': m003,
  '004-session-binding': m004,
  '005-second-factors': m005,
  '006-key-stages-and-app-algorithms': m006,
  '011-audit-events': m011,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
