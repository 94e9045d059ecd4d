import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001-initial.js';
import * as m002 from './002-throttle-counters.js';
import * as m003 from './003-password-resets.js';
import * as m004 from './004-session-binding.js';
import * as m005 from './005-second-factors.js';
import * as m006 from './006-key-stages-and-app-algorithms.js';
import * as m007 from './007-apis-and-revocation-events.js';
import * as m008 from './008-service-apps-and-client-assertions.js';
import * as m009 from './009-passkeys.js';
import * as m010a from './010a-refresh-reuse-grace.js';
import * as m010b from './010b-pushed-authorization-requests.js';
import * as m010c from './010c-dpop.js';
import * as m011 from './011-audit-events.js';
import * as m012 from './012-admin-api.js';
import * as m013 from './013-refresh-live-token-indexes.js';
import * as m014 from './014-refresh-rotation-function.js';

/** Numbered migrations, in order. Add new ones at the end; never edit a released one. */
const migrations: Record<string, Migration> = {
  '001-initial': m001,
  '002-throttle-counters': m002,
  '003-password-resets': m003,
  '004-session-binding': m004,
  '005-second-factors': m005,
  '006-key-stages-and-app-algorithms': m006,
  '007-apis-and-revocation-events': m007,
  '008-service-apps-and-client-assertions': m008,
  '009-passkeys': m009,
  '010a-refresh-reuse-grace': m010a,
  '010b-pushed-authorization-requests': m010b,
  '010c-dpop': m010c,
  '011-audit-events': m011,
  '012-admin-api': m012,
  '013-refresh-live-token-indexes': m013,
  '014-refresh-rotation-function': m014,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
