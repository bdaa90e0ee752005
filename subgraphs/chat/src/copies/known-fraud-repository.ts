// Chat's copy of the fraud registry: keyed lookup hashes of the bank accounts and phone numbers
// named in accepted fraud reports (report.identifiers_confirmed). Never the numbers themselves:
// a message's candidates are hashed with the same key (DATA_ENCRYPTION_KEY) and looked up.
import type { PaymentIdentifierType } from '@anshim/contracts';
import type { FieldCipher } from '@anshim/platform';
import { chatSql, type ChatPrisma, type ChatSql, type Tx } from '../database.ts';

export interface IdentifierCandidate {
  type: PaymentIdentifierType;
  /** The canonical key (paymentIdentifierKey) screening asks about. */
  key: string;
}

export class KnownFraudRepository {
  private readonly sql: ChatSql;

  constructor(
    prisma: ChatPrisma,
    private readonly cipher: Pick<FieldCipher, 'lookupHash'>,
  ) {
    this.sql = chatSql(prisma);
  }

  async confirmed(tx: Tx, identifiers: ReadonlyArray<{ type: string; lookupHash: string }>, at: Date): Promise<void> {
    for (const { type, lookupHash } of identifiers) {
      await tx.knownFraudIdentifier.upsert({
        where: { lookupHash },
        create: { lookupHash, type, firstConfirmedAt: at, lastConfirmedAt: at },
        update: { lastConfirmedAt: at },
      });
    }
  }

  /** The keys among `candidates` that name a confirmed fraud identifier: one indexed query (sendMessage's path: plain pg). */
  async knownAmong(candidates: readonly IdentifierCandidate[]): Promise<Set<string>> {
    if (candidates.length === 0) return new Set();
    const byHash = new Map(candidates.map((c) => [this.cipher.lookupHash(c.key), c.key]));
    const rows = await this.sql.query<{ lookup_hash: string }>('SELECT lookup_hash FROM known_fraud_identifiers WHERE lookup_hash = ANY($1::text[])', [[...byHash.keys()]]);
    return new Set(rows.map((row) => byHash.get(row.lookup_hash)!));
  }
}
