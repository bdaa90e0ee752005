// One PostgreSQL connection for the length of `work`, closed whatever happens: the scripts' short
// reads and writes (backups, the soak's ledger check) open no pool.
import pg from 'pg';

export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
