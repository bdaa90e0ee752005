import { describe, expect, it, vi } from 'vitest';
import { AfterCommitHooks } from '../../src/events/after-commit.ts';
import type { SqlExecutor, TransactionalSqlClient } from '../../src/events/sql-client.ts';
import type { Logger } from '../../src/logger.ts';

/** A client whose transaction commits unless the callback throws; `committed` records which did. */
function fakeClient() {
  const committed: string[] = [];
  const client: TransactionalSqlClient<SqlExecutor> = {
    $executeRawUnsafe: async () => 0,
    $queryRawUnsafe: async <T>() => [] as T,
    $transaction: async (fn) => {
      const tx = { $executeRawUnsafe: async () => 0, $queryRawUnsafe: async () => [] } as unknown as SqlExecutor;
      const result = await fn(tx);
      committed.push(String(result));
      return result;
    },
  };
  return { client, committed };
}

function fakeLogger() {
  return { warn: vi.fn() } as unknown as Logger & { warn: ReturnType<typeof vi.fn> };
}

describe('AfterCommitHooks', () => {
  it('runs every hook after the commit; a failing one is logged and neither undoes the commit nor stops the others', async () => {
    const { client, committed } = fakeClient();
    const logger = fakeLogger();
    const hooks = new AfterCommitHooks(client, logger);
    const ran: string[] = [];
    const failure = new Error('cache down');
    const result = await hooks.wrapped.$transaction(async (tx) => {
      hooks.schedule(tx, async () => {
        expect(committed).toEqual(['done']); // never before the commit
        ran.push('first');
      });
      hooks.schedule(tx, async () => {
        throw failure;
      });
      hooks.schedule(tx, async () => {
        ran.push('third');
      });
      return 'done';
    });
    expect(result).toBe('done');
    expect(ran).toEqual(['first', 'third']);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith({ err: failure }, 'after-commit work failed');
  });

  it('runs nothing when the transaction rolls back', async () => {
    const { client } = fakeClient();
    const hooks = new AfterCommitHooks(client, fakeLogger());
    const hook = vi.fn(async () => undefined);
    await expect(
      hooks.wrapped.$transaction(async (tx) => {
        hooks.schedule(tx, hook);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(hook).not.toHaveBeenCalled();
  });

  it('refuses a hook for a transaction it did not open', () => {
    const { client } = fakeClient();
    const hooks = new AfterCommitHooks(client, fakeLogger());
    expect(() => hooks.schedule({} as SqlExecutor, async () => undefined)).toThrow(/outside a wrapped transaction/);
  });
});
