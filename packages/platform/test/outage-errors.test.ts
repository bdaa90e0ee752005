// A resolver whose database is unreachable: the member gets a retryable refusal (INTERNAL_SERVER_ERROR, `retryable`, in
// their language), never the driver's text with the database's address, in production and outside it.
import { ApolloServer } from '@apollo/server';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createErrorFormatter, ErrorCode, NotFoundError } from '../src/errors.ts';
import { localizeErrorsPlugin, type Locale } from '../src/i18n.ts';
import { outageErrorsPlugin } from '../src/outage-errors.ts';
import { freePort as closedPort } from '../../../test/support/free-port.ts'; // nothing listens there: every connection is refused

async function serverWith(production: boolean, port: number, seen: unknown[]) {
  const server = new ApolloServer<{ locale: Locale }>({
    typeDefs: 'type Query { listing: String, missing: String, slow: String }',
    resolvers: {
      Query: {
        listing: async () => {
          const client = new pg.Client({ host: '127.0.0.1', port, user: 'root', database: 'postgres' });
          await client.connect();
          return 'unreachable';
        },
        missing: () => {
          throw new NotFoundError();
        },
        // What Prisma throws for an interactive transaction past its timeout (its code and message).
        slow: () => {
          throw Object.assign(new Error('Transaction API error: A commit cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms, however 5214 ms passed since the start of the transaction.'), {
            name: 'PrismaClientKnownRequestError',
            code: 'P2028',
            meta: { operation: 'commit', timeout: 5000, timeTaken: 5214 },
          });
        },
      },
    },
    includeStacktraceInErrorResponses: !production,
    formatError: createErrorFormatter({ production }),
    plugins: [outageErrorsPlugin((error) => seen.push(error)), localizeErrorsPlugin()],
  });
  await server.start();
  return server;
}

async function ask(server: ApolloServer<{ locale: Locale }>, query: string, locale: Locale) {
  const response = await server.executeOperation({ query }, { contextValue: { locale } });
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult.errors ?? [];
}

describe('a resolver whose PostgreSQL is unreachable', () => {
  for (const production of [true, false]) {
    it(`answers a retryable refusal in the member's language (${production ? 'production' : 'development'})`, async () => {
      const port = await closedPort();
      const seen: unknown[] = [];
      const server = await serverWith(production, port, seen);
      try {
        const [ko] = await ask(server, '{ listing }', 'ko');
        expect(ko?.extensions?.code).toBe(ErrorCode.INTERNAL_SERVER_ERROR);
        expect(ko?.extensions?.retryable).toBe(true);
        expect(ko?.message).toContain('잠시 후 다시 시도해 주세요');
        expect(ko?.message).not.toContain(String(port));
        // Outside production the stack stays for debugging (it names the driver's error); in production nothing does.
        if (production) expect(JSON.stringify(ko)).not.toContain(String(port));
        const [en] = await ask(server, '{ listing }', 'en');
        expect(en?.message).toContain('try again in a moment');
        expect(seen).toHaveLength(2);
        expect((seen[0] as { code?: string }).code).toBe('ECONNREFUSED');
      } finally {
        await server.stop();
      }
    });
  }

  for (const production of [true, false]) {
    it(`answers a transaction that ran out of time as retryable too, without Prisma's text (${production ? 'production' : 'development'})`, async () => {
      const seen: unknown[] = [];
      const server = await serverWith(production, await closedPort(), seen);
      try {
        const [ko] = await ask(server, '{ slow }', 'ko');
        expect(ko?.extensions?.code).toBe(ErrorCode.INTERNAL_SERVER_ERROR);
        expect(ko?.extensions?.retryable).toBe(true);
        expect(ko?.message).toContain('아무것도 바뀌지 않았습니다');
        expect(ko?.message).not.toContain('Transaction API error');
        expect((seen[0] as { code?: string }).code).toBe('P2028');
      } finally {
        await server.stop();
      }
    });
  }

  it('leaves the errors a service raised on purpose as they were', async () => {
    const seen: unknown[] = [];
    const server = await serverWith(true, await closedPort(), seen);
    try {
      const [error] = await ask(server, '{ missing }', 'ko');
      expect(error?.extensions?.code).toBe(ErrorCode.NOT_FOUND);
      expect(seen).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });
});
