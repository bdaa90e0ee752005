// Health, readiness and metrics. The public port answers only plain /healthz and a status-only
// /readyz; the detail (/readyz with each dependency, /metrics) lives on the operations port, which
// binds loopback unless told otherwise (ARCHITECTURE §8).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

async function readiness(checks: ReadinessCheck[]) {
  const results = await Promise.all(
    checks.map(async ({ name, check, optional = false }) => {
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
  const states = Object.fromEntries(results.map((result) => [result.name, result.state]));
  const downNames = down.map((result) => result.name);
  if (unready) return { httpStatus: 503, body: { status: 'unavailable', checks: states, down: downNames } };
  return { httpStatus: 200, body: down.length ? { status: 'degraded', checks: states, down: downNames } : { status: 'ready', checks: states } };
}

/** The public port's `/healthz` (alive) and `/readyz` (status only: no dependency names or errors). */
export function mountPublicHealth(app: Express, options: { checks: ReadinessCheck[] }): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const { httpStatus, body } = await readiness(options.checks);
    res.status(httpStatus).json({ status: body.status });
  });
}

/** `/healthz` (the process is alive), `/readyz` (each dependency), `/metrics` (Prometheus): operations only. */
export function mountOperationalRoutes(app: Express, options: { checks: ReadinessCheck[]; registry: Registry }): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const { httpStatus, body } = await readiness(options.checks);
    res.status(httpStatus).json(body);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.registry.contentType).send(await options.registry.metrics());
  });
}

export interface OperationsSettings {
  port: number;
  /** Default 127.0.0.1: Prometheus and probes reach it from inside the pod or host only, unless told otherwise. */
  host?: string;
  /** Extra operator-only routes (the user service's development /dev/messages). */
  routes?: (app: Express) => void;
}

export interface OperationsServer {
  start(): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

/** The operations port of a process: detailed readiness, metrics and operator-only routes. */
export function buildOperationsServer(settings: OperationsSettings, options: { checks: ReadinessCheck[]; registry: Registry }): OperationsServer {
  const app = express();
  app.disable('x-powered-by');
  mountOperationalRoutes(app, options);
  settings.routes?.(app);
  let server: Server | undefined;
  return {
    async start() {
      const host = settings.host ?? '127.0.0.1';
      server = createServer(app);
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(settings.port, host, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      return { port, url: `http://${host}:${port}` };
    },
    async stop() {
      if (server?.listening) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
    },
  };
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
