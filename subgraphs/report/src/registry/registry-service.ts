// The fraud-account registry: payment identifiers named in reports are normalized, hashed with the
// service's key and stored encrypted when a report is filed, and checkPaymentIdentifier answers from
// the reports naming a hash by the registry's rule (fraud-registry.ts: what weighs, and what the
// holder may learn).
import { BadInputError, pick, RateLimitedError, requireAdmin, requireIdentity, type FieldCipher, type Redis } from '@anshim/platform';
import {
  maskPaymentIdentifier,
  normalizePaymentIdentifier,
  paymentIdentifierHash,
  type NormalizedPaymentIdentifier,
  type PaymentIdentifierType,
} from '@anshim/contracts';
import type { Tx } from '../database.ts';
import { messages } from '../messages.ts';
import type { RequestScope } from '../scope.ts';
import { registryAnswer, type FraudVerdict } from './fraud-registry.ts';
import type { IdentifierRepository, NewPaymentIdentifier } from './identifier-repository.ts';

const MAX_IDENTIFIERS = 5;
const MAX_IDENTIFIER_CHARS = 100;

export interface PaymentIdentifierInput {
  type: PaymentIdentifierType;
  value: string;
}

export interface FraudCheckRecord {
  type: PaymentIdentifierType;
  identifier: string;
  verdict: FraudVerdict;
  confirmedReports: number;
  pendingReports: number;
  lastReportedAt: Date | null;
  message: string;
}

export interface RegistryServiceDeps {
  identifiers: IdentifierRepository;
  redis: Redis;
  /** checkPaymentIdentifier lookups one person may make per window (lookups are a scraping target). */
  checkRateLimit: { max: number; windowSeconds: number };
  /** DATA_ENCRYPTION_KEY: encrypts identifiers at rest and keys their lookup hashes. */
  cipher: FieldCipher;
}

export class RegistryService {
  constructor(private readonly deps: RegistryServiceDeps) {}

  /**
   * checkPaymentIdentifier: signed-in only, counted against a per-person window before anything
   * else (a flood of unreadable input counts too), answered from the reports naming the lookup
   * hash by the registry's rule (fraud-registry.ts: what weighs, and what the holder may learn).
   */
  async check(scope: RequestScope, input: PaymentIdentifierInput): Promise<FraudCheckRecord> {
    const me = requireIdentity(scope);
    await this.countCheck(me.userId);
    const identifier = this.normalizeOne(input, ['input', 'value']);
    const { advice, ...answer } = registryAnswer(await this.deps.identifiers.reportsNaming(paymentIdentifierHash(this.deps.cipher, identifier)));
    return { type: identifier.type, identifier: maskPaymentIdentifier(identifier), ...answer, message: pick(advice, scope.locale) };
  }

  /**
   * Report.paymentIdentifiers: ADMIN only (FORBIDDEN for anyone else, the reporter included: the
   * list is the moderator's evidence). Each identifier the report named, masked as
   * checkPaymentIdentifier masks it, with what the registry says about it by the same rule.
   * Not counted against the lookup window: a report names at most 5, and only ADMINs ask.
   */
  async namedInReport(scope: RequestScope, reportId: string): Promise<FraudCheckRecord[]> {
    requireAdmin(scope);
    const sealed = await this.deps.identifiers.sealedOfReport(reportId);
    return Promise.all(sealed.map(async (row) => {
      const opened = JSON.parse(this.deps.cipher.decrypt(row.valueEncrypted)) as { value: string; bank: string | null };
      const { advice, ...answer } = registryAnswer(await this.deps.identifiers.reportsNaming(row.lookupHash));
      return { type: row.type, identifier: maskPaymentIdentifier({ type: row.type, value: opened.value }), ...answer, message: pick(advice, scope.locale) };
    }));
  }

  /** Normalized, de-duplicated, hashed and encrypted; BAD_USER_INPUT naming the entry that normalizes to nothing. */
  toStore(inputs: readonly PaymentIdentifierInput[]): NewPaymentIdentifier[] {
    if (inputs.length > MAX_IDENTIFIERS) throw new BadInputError(messages.tooManyIdentifiers, { fields: [{ field: 'paymentIdentifiers', reason: 'tooMany' }] });
    const byHash = new Map<string, NewPaymentIdentifier>();
    inputs.forEach((input, index) => {
      const identifier = this.normalizeOne(input, ['paymentIdentifiers', index, 'value']);
      const lookupHash = paymentIdentifierHash(this.deps.cipher, identifier);
      const sealed = this.deps.cipher.encrypt(JSON.stringify({ value: identifier.value, bank: identifier.bank }));
      if (!byHash.has(lookupHash)) byHash.set(lookupHash, { type: identifier.type, lookupHash, valueEncrypted: sealed });
    });
    return [...byHash.values()];
  }

  /** Stores a filed report's identifiers, in the report's transaction. */
  record(tx: Tx, reportId: string, identifiers: readonly NewPaymentIdentifier[]): Promise<void> {
    return this.deps.identifiers.add(tx, reportId, identifiers);
  }

  /** The lookup hashes an accepted report named (report.identifiers_confirmed carries them). */
  namedBy(tx: Tx, reportId: string): Promise<Array<{ type: 'BANK_ACCOUNT' | 'PHONE'; lookupHash: string }>> {
    return this.deps.identifiers.ofReport(tx, reportId);
  }

  private normalizeOne(input: PaymentIdentifierInput, path: Array<string | number>): NormalizedPaymentIdentifier {
    const identifier = input.value.length <= MAX_IDENTIFIER_CHARS ? normalizePaymentIdentifier(input.type, input.value) : null;
    if (!identifier) throw new BadInputError(messages.identifierUnreadable, { fields: [{ field: path.join('.'), reason: 'unreadable' }] });
    return identifier;
  }

  /** Fixed window started by the first lookup; RATE_LIMITED with retryAfter beyond the limit. */
  private async countCheck(userId: string): Promise<void> {
    const key = `report:check-rate:${userId}`;
    const { max, windowSeconds } = this.deps.checkRateLimit;
    const count = await this.deps.redis.incr(key);
    if (count === 1) await this.deps.redis.expire(key, windowSeconds);
    if (count > max) {
      const ttl = await this.deps.redis.ttl(key);
      if (ttl < 0) await this.deps.redis.expire(key, windowSeconds);
      const retryAfter = ttl > 0 ? ttl : windowSeconds;
      throw new RateLimitedError(messages.tooManyChecks(retryAfter), retryAfter);
    }
  }
}
