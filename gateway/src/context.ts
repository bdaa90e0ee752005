import type { Identity, Locale, Logger } from '@anshim/platform';

/** The context of one client request; subgraph fetches read it to sign the caller's identity. */
export interface GatewayContext {
  identity: Identity | null;
  /** The client's address (X-Forwarded-For believed only from TRUSTED_PROXIES): the rate-limit key. */
  clientIp: string;
  /** The app's device id (X-Device-Id, graphql-ws connectionParams.deviceId), validated; null when absent or malformed. */
  deviceId: string | null;
  /** The client's User-Agent (validUserAgent); travels signed with the device id so User.sessions can describe the client. */
  userAgent?: string | null;
  requestId: string;
  locale: Locale;
  /** The client's Accept-Language, passed on to subgraphs as is. */
  acceptLanguage: string | undefined;
  /** The verified `Authorization` header; forwarded only to the subgraphs FORWARD_AUTHORIZATION_TO names (the issuer: logout revokes it). */
  authorization: string | undefined;
  /** The development-only allowance key the client proved (platform dev-allowance.ts); passed on to subgraphs. Never set in production. */
  devAllowance?: string;
  logger: Logger;
  /** HTTP only: the express step measured the shape limits of this request's operations (limits/early-check.ts). */
  shapeMeasured?: boolean;
}
