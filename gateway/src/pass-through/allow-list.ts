// The only browser-facing HTTP routes the gateway passes on to a service, as (method, path
// pattern) pairs. A request is matched on its decoded path only after the raw request target
// proved harmless: origin-form, no dot segments, no backslashes, no empty segments and no encoded
// dots, slashes or backslashes — so nothing the client sends can choose the host or climb out of
// the allowed route. The upstream URL is built from the service's configured origin, the matched
// path and the query string; anything that matches nothing is a 404 before any fetch. The route
// shapes are here; which subgraph serves them is configuration (upstream/subgraph-roles.ts).

import type { SubgraphRoles } from '../upstream/subgraph-roles.ts';

export interface PassThroughRoute {
  method: 'GET' | 'PUT' | 'POST';
  /** Matched against the whole decoded path. */
  pattern: RegExp;
  service: string;
  /** The service's own path for a matched one (default: the same path). */
  upstreamPath?: (path: string) => string;
}

export interface PassThroughTarget {
  service: string;
  /** The path to request upstream (decoded, checked, then re-encoded per segment). */
  path: string;
  /** The raw query string without '?', or ''. */
  query: string;
}

const PROVIDER = '[a-z][a-z0-9_]{0,30}'; // OIDC_PROVIDER_NAME of the auth subgraph's env.ts
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/**
 * The /auth routes (the auth subgraph's oidc-routes.ts and id-card-routes.ts), served by the
 * subgraph AUTH_PASS_THROUGH_SUBGRAPH names.
 */
export function authRoutes(service: string): PassThroughRoute[] {
  return [
    { method: 'GET', pattern: new RegExp(`^/auth/oidc/${PROVIDER}/start$`), service },
    { method: 'GET', pattern: new RegExp(`^/auth/oidc/${PROVIDER}/callback$`), service },
    { method: 'POST', pattern: new RegExp(`^/auth/oidc/${PROVIDER}/link$`), service },
    { method: 'PUT', pattern: new RegExp(`^/auth/id-card/upload/${UUID}$`), service },
    { method: 'GET', pattern: new RegExp(`^/auth/id-card/photo/${UUID}$`), service },
  ];
}

/**
 * The payment routes (the payment subgraph's payment-routes.ts), served by the subgraph
 * PAYMENT_PASS_THROUGH_SUBGRAPH names: the buyer's return from the provider's checkout, the page
 * they land on, and the provider's webhook (verified by its own signature, then read back).
 */
export function paymentRoutes(service: string): PassThroughRoute[] {
  return [
    { method: 'GET', pattern: /^\/payments\/return$/, service },
    { method: 'GET', pattern: /^\/payments\/done$/, service },
    { method: 'POST', pattern: /^\/payments\/webhook$/, service },
  ];
}

// A storage key (packages/platform/src/storage/driver.ts KEY: <namespace>/<owner>/<uuid>.<ext>, thumbnails
// <key>.thumb.webp); '..' and '.' segments never get this far (safeRequestTarget).
const STORAGE_KEY = '[a-z][a-z0-9-]{0,63}(?:/[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}){1,6}';

/**
 * The local storage driver's signed PUT/GET routes (packages/platform/src/storage/local-route.ts)
 * of a service that stores files (FILE_PASS_THROUGH_SUBGRAPHS): /<service>/files/<key> → that
 * service's /files/<key>, so a service whose public URL is `<gateway>/<service>` signs links that
 * reach it only through here. The storage routes keep their own signed-URL check.
 */
export function fileRoutes(service: string): PassThroughRoute[] {
  const literal = service.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); // a name, never a pattern
  const pattern = new RegExp(`^/${literal}/files/${STORAGE_KEY}$`);
  const upstreamPath = (path: string) => path.slice(`/${service}`.length);
  return [
    { method: 'GET', pattern, service, upstreamPath },
    { method: 'PUT', pattern, service, upstreamPath },
  ];
}

/**
 * What the pass-through owns for the configured subgraphs: /auth and /payments always (with no
 * subgraph for them every request there is a 404) and /<service>/files of each file store.
 */
export function passThroughRoutes(roles: Pick<SubgraphRoles, 'authPassThrough' | 'filePassThrough'> & Partial<Pick<SubgraphRoles, 'paymentPassThrough'>>): { prefixes: string[]; routes: PassThroughRoute[] } {
  const payment = roles.paymentPassThrough ?? null;
  return {
    prefixes: ['/auth', '/payments', ...roles.filePassThrough.map((service) => `/${service}/files`)],
    routes: [
      ...(roles.authPassThrough === null ? [] : authRoutes(roles.authPassThrough)),
      ...(payment === null ? [] : paymentRoutes(payment)),
      ...roles.filePassThrough.flatMap(fileRoutes),
    ],
  };
}

// Encoded '.', '/', '\' and '%' (double encoding) are refused outright, before decoding.
const ENCODED_SEPARATOR = /%(2e|2f|5c|25|00)/i;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The decoded path and raw query of a harmless origin-form request target, or null. */
export function safeRequestTarget(rawTarget: string): { path: string; query: string } | null {
  // Origin-form only: absolute-form (`http://host/…`), authority-form and '*' never reach a route.
  if (!rawTarget.startsWith('/') || rawTarget.startsWith('//')) return null;
  const at = rawTarget.indexOf('?');
  const rawPath = at === -1 ? rawTarget : rawTarget.slice(0, at);
  const query = at === -1 ? '' : rawTarget.slice(at + 1);
  if (ENCODED_SEPARATOR.test(rawPath) || rawPath.includes('\\') || query.includes('#') || CONTROL.test(rawTarget)) return null;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (path.includes('..') || path.includes('\\') || path.includes('//') || path.includes('#') || CONTROL.test(path)) return null;
  if (path.split('/').some((segment) => segment === '.')) return null;
  return { path, query };
}

/** The allow-listed route a request reaches, or null (answer 404, fetch nothing). */
export function matchPassThrough(routes: readonly PassThroughRoute[], method: string, rawTarget: string): PassThroughTarget | null {
  const target = safeRequestTarget(rawTarget);
  if (!target) return null;
  const route = routes.find((candidate) => candidate.method === method && candidate.pattern.test(target.path));
  if (!route) return null;
  const path = (route.upstreamPath ? route.upstreamPath(target.path) : target.path).split('/').map(encodeURIComponent).join('/');
  return { service: route.service, path, query: target.query };
}

/** origin of the service's configured URL + the matched path + the query: nothing else. */
export function upstreamUrl(serviceUrl: string, target: PassThroughTarget): URL {
  const url = new URL(new URL(serviceUrl).origin);
  url.pathname = target.path;
  url.search = target.query ? `?${target.query}` : '';
  return url;
}
