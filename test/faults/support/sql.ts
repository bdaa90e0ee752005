import pg from 'pg';

/** A small pool on one service's schema of the fault stack's database, for asserting outcomes. */
export function serviceSql(databaseUrl: string, service: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, options: `-c search_path=svc_${service}`, max: 2, connectionTimeoutMillis: 3_000 });
  // PostgreSQL restarts under some tests: an idle client's error must not take the runner down.
  pool.on('error', () => undefined);
  return pool;
}

export async function count(pool: pg.Pool, sql: string, ...values: unknown[]): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(sql, values);
  return Number(rows[0]?.n ?? 0);
}
