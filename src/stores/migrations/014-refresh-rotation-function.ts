import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The refresh rotation as one PostgreSQL function (issue 15): `refresh_advance` does in one round trip
 * what `KyselyRefreshFamiliesStore.rotate` / `reissueWithinGrace` did in up to seven (BEGIN, the family
 * row lock, claim, retire siblings, close windows, insert, COMMIT). SQLite gets nothing: its store keeps
 * the transaction (in-process, no round trips).
 *
 * The statements stay separate on purpose: a VOLATILE PL/pgSQL function takes a fresh snapshot for each
 * statement (READ COMMITTED), so everything after the family lock sees what a concurrent rotation or grace
 * re-issue of the family committed while this one waited for the lock. (One data-modifying CTE would run
 * all its steps on the snapshot taken before the wait, and would miss a sibling inserted meanwhile.)
 *
 * p_rotate: try the rotation (claim the presented token, retire the family's other live tokens, close its
 * earlier grace windows, insert the successor); p_reissue: when no rotation happened, insert the successor
 * as a sibling if the presented token's grace window is open at p_at. Returns 'rotated', 'reissued' or
 * 'lost' (nothing written). The function is created in the current schema and resolves the tables there
 * (`set search_path from current`), whatever the caller's search_path.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create function refresh_advance(
      p_presented varchar, p_family varchar, p_at bigint, p_grace_until bigint, p_rotate boolean, p_reissue boolean,
      p_hash varchar, p_scope text, p_created_at bigint, p_consumed_at bigint, p_access_jti varchar,
      p_access_expires_at bigint, p_next_grace_until bigint
    ) returns text
    language plpgsql volatile
    set search_path from current
    as $fn$
    begin
      -- the family row lock: a family's rotations, re-issues and revocation run one at a time
      update refresh_families set rotated_at = p_at where id = p_family and revoked_at is null;
      if not found then
        return 'lost';
      end if;
      if p_rotate then
        update refresh_tokens set consumed_at = p_at, grace_until = p_grace_until
          where token_hash = p_presented and family_id = p_family and consumed_at is null;
        if found then
          -- siblings issued within a grace window: the chain goes on from the presented one only
          update refresh_tokens set consumed_at = p_at where family_id = p_family and consumed_at is null;
          -- the presented token's own window is the only open one: older tokens are reuses from now on
          update refresh_tokens set grace_until = null
            where family_id = p_family and token_hash <> p_presented and grace_until is not null;
          insert into refresh_tokens (token_hash, family_id, scope, created_at, consumed_at, access_jti, access_expires_at, grace_until)
            values (p_hash, p_family, p_scope, p_created_at, p_consumed_at, p_access_jti, p_access_expires_at, p_next_grace_until);
          return 'rotated';
        end if;
      end if;
      if p_reissue then
        perform 1 from refresh_tokens
          where token_hash = p_presented and family_id = p_family and consumed_at is not null and grace_until > p_at;
        if found then
          insert into refresh_tokens (token_hash, family_id, scope, created_at, consumed_at, access_jti, access_expires_at, grace_until)
            values (p_hash, p_family, p_scope, p_created_at, p_consumed_at, p_access_jti, p_access_expires_at, p_next_grace_until);
          return 'reissued';
        end if;
      end if;
      return 'lost';
    end
    $fn$
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop function refresh_advance(varchar, varchar, bigint, bigint, boolean, boolean, varchar, text, bigint, bigint, varchar, bigint, bigint)`.execute(db);
}

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
