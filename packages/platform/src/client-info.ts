// What the gateway observed about the client of one request — the app's device id and the
// client's address — carried to subgraphs inside the signed request (identity.ts), so a service
// can learn from it (sign-ins, the monitor's device rules) and a member cannot forge it: an
// unsigned or altered value fails the signature like a forged identity would.

export interface ClientInfo {
  /** The app's installation id (X-Device-Id header, graphql-ws connectionParams.deviceId); null when absent or malformed. */
  deviceId: string | null;
  /** The client's IP address as the gateway saw it (X-Forwarded-For only behind a trusted proxy). */
  address: string | null;
  /** The client's User-Agent as the gateway received it (trimmed, printable, at most 256 characters); only shown back to the member (User.sessions), never a signal. */
  userAgent?: string | null;
}

export const NO_CLIENT: ClientInfo = Object.freeze({ deviceId: null, address: null });

/** The HTTP header an app names its installation with. */
export const DEVICE_ID_HEADER = 'x-device-id';
/** Where the gateway puts the signed client info on a subgraph request. */
export const CLIENT_HEADER = 'x-anshim-client';

export const MAX_DEVICE_ID_LENGTH = 128;
const MAX_ADDRESS_LENGTH = 64;
export const MAX_USER_AGENT_LENGTH = 256;
// Printable ASCII without spaces: ids are app-made tokens (UUIDs, hex), never prose, and nothing
// here may smuggle a control character into a log line or a header.
const PRINTABLE = /^[\x21-\x7e]+$/;

function bounded(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= max && PRINTABLE.test(trimmed) ? trimmed : null;
}

/** A device id as the client sent it, or null when it is missing, too long or not printable. */
export function validDeviceId(value: unknown): string | null {
  return bounded(Array.isArray(value) ? value[0] : value, MAX_DEVICE_ID_LENGTH);
}

/** A client address, or null when it is not a plausible one ('unknown', garbage). */
export function validClientAddress(value: unknown): string | null {
  const address = bounded(value, MAX_ADDRESS_LENGTH);
  return address && /^[0-9a-fA-F.:]+$/.test(address) ? address : null;
}

/** A User-Agent reduced to printable ASCII and cut to MAX_USER_AGENT_LENGTH, or null when nothing is left. */
export function validUserAgent(value: unknown): string | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return null;
  const cleaned = raw.replace(/[^\x20-\x7e]/g, '').trim().slice(0, MAX_USER_AGENT_LENGTH).trim();
  return cleaned.length > 0 ? cleaned : null;
}

/** The header value for `client`, or undefined when there is nothing to carry. */
export function encodeClientInfo(client: ClientInfo | null | undefined): string | undefined {
  const userAgent = client?.userAgent ?? null;
  if (!client || (client.deviceId === null && client.address === null && userAgent === null)) return undefined;
  const params = new URLSearchParams();
  if (client.deviceId !== null) params.set('d', client.deviceId);
  if (client.address !== null) params.set('a', client.address);
  if (userAgent !== null) params.set('u', userAgent);
  return params.toString();
}

/** Reads a signed client header back (validated again: the signature proves the sender, not the content's shape). */
export function decodeClientInfo(value: string | undefined): ClientInfo {
  if (!value) return NO_CLIENT;
  const params = new URLSearchParams(value);
  const userAgent = validUserAgent(params.get('u'));
  return { deviceId: validDeviceId(params.get('d')), address: validClientAddress(params.get('a')), ...(userAgent !== null ? { userAgent } : {}) };
}
