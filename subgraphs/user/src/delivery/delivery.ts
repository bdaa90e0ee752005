// How verification codes reach people. Services depend on this interface only; which provider
// runs is configuration (DELIVERY_PROVIDER).

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

export interface OutgoingSms {
  /** Normalized `010XXXXXXXX`. */
  to: string;
  text: string;
}

export interface DeliveryProvider {
  readonly name: string;
  sendEmail(message: OutgoingEmail): Promise<void>;
  sendSms(message: OutgoingSms): Promise<void>;
  close(): Promise<void>;
}

/** The provider could not hand the message over (down, timed out, not configured). */
export class DeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}
