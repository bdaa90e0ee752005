// How messages reach people. Services depend on this interface only; which provider runs is
// configuration (DELIVERY_PROVIDER, SMS_PROVIDER). Two ways a send fails, and callers treat them
// differently: the provider is down (DependencyUnavailableError from @anshim/platform, dependency
// `sms` or `email`: try again later) or it refused this very message (DeliveryRefusedError: trying
// again changes nothing). Codes a member waits for are sent synchronously and the member retries;
// what event handlers owe people goes through the durable outbound queue (outbound-sender.ts).

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** The same key for every attempt of one message: providers that support it drop repeats. */
  idempotencyKey?: string;
}

export interface OutgoingSms {
  /** Normalized `010XXXXXXXX`. */
  to: string;
  text: string;
  /** The same key for every attempt of one message: providers that support it drop repeats. */
  idempotencyKey?: string;
}

export interface DeliveryProvider {
  readonly name: string;
  sendEmail(message: OutgoingEmail): Promise<void>;
  sendSms(message: OutgoingSms): Promise<void>;
  close(): Promise<void>;
}

/** The provider could not hand the message over and no retry will help (not configured, refused). */
export class DeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

/** The provider answered and refused this message (an HTTP 4xx, an SMTP 5xx): final, never retried. */
export class DeliveryRefusedError extends DeliveryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryRefusedError';
  }
}
