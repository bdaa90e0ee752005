import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Registry } from 'prom-client';

/**
 * One dependency of `/readyz`. An `optional` one (the gateway's subgraphs) being down makes the
 * process `degraded` but still ready (200): it serves what does not need it. The process is
 * unready (503) when a required check fails or every optional one does.
 */
export type ReadinessCheck = { name: string; check: () => Promise<unknown>; optional?: boolean };

const READINESS_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error: unknown) => { clearTimeout(timer); reject(error); },
    );
  });
}

/** `/healthz` (the process is alive), `/readyz` (its dependencies answer), `/metrics` (Prometheus). */
export function mountOperationalRoutes(app: Express, options: { checks: ReadinessCheck[]; registry: Registry }): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      options.checks.map(async ({ name, check, optional = false }) => {
        try {
          await withTimeout(check(), READINESS_TIMEOUT_MS);
          return { name, optional, state: 'ok' };
        } catch (error) {
          return { name, optional, state: `down: ${(error as Error).message}` };
        }
      }),
    );
    const down = results.filter((result) => result.state !== 'ok');
    const optional = results.filter((result) => result.optional);
    const unready = down.some((result) => !result.optional) || (optional.length > 0 && optional.every((result) => result.state !== 'ok'));
    const checks = Object.fromEntries(results.map((result) => [result.name, result.state]));
    if (unready) {
      res.status(503).json({ status: 'unavailable', checks, down: down.map((result) => result.name) });
      return;
    }
    res.status(200).json(down.length ? { status: 'degraded', checks, down: down.map((result) => result.name) } : { status: 'ready', checks });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
}

/** JSON bodies with a size limit; a body that is not JSON gets a 400 with a coded GraphQL-style error. */
export function jsonBody(limit: string | number = '1mb') {
  return express.json({ limit });
}

export const jsonErrorHandler: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  const status = typeof error?.status === 'number' ? error.status : 500;
  if (status === 413) {
    res.status(413).json({ errors: [{ message: 'Request body is too large.', extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  if (status >= 400 && status < 500) {
    res.status(400).json({ errors: [{ message: 'The request body is not valid JSON.', extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  res.status(500).json({ errors: [{ message: 'Internal server error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
};
