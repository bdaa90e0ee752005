// Safe-trade zones: anyone may look them up; only ADMINs curate them; a party of an open trade
// proposes one as the meeting spot (recorded, and published for monitor and safety).
import { charLength, ForbiddenError, NotFoundError, requireAdmin, requireIdentity } from '@anshim/platform';
import { z } from 'zod';
import { transaction, type TransactionPrisma } from '../database.ts';
import { messages } from '../messages.ts';
import type { TransactionEvents } from '../outbound/transaction-events.ts';
import type { RequestScope } from '../scope.ts';
import type { TradeRecord, TradeRepository } from '../trades/trade-repository.ts';
import { badField, validate } from '../validation.ts';
import type { ZoneRecord, ZoneRepository } from './zone-repository.ts';

const text = (max: number, message: string) => z.string(message).trim().refine((v) => charLength(v) >= 1 && charLength(v) <= max, message);

const zoneSchema = z.object({
  name: text(80, 'zoneName'),
  kind: z.enum(['POLICE_STATION', 'COMMUNITY_CENTER', 'SUBWAY_STATION', 'CCTV_ZONE', 'OTHER']),
  address: text(200, 'zoneAddress'),
  region: text(50, 'zoneRegion'),
  latitude: z.number('zoneLatitude').min(-90, 'zoneLatitude').max(90, 'zoneLatitude'),
  longitude: z.number('zoneLongitude').min(-180, 'zoneLongitude').max(180, 'zoneLongitude'),
  openHours: z.string().nullish().transform((v) => (v == null || v.trim() === '' ? null : v.trim())).refine((v) => v === null || charLength(v) <= 100, 'zoneOpenHours'),
});

const searchSchema = z.object({
  region: z.string().nullish().transform((v) => (v == null || v.trim() === '' ? null : v.trim())),
  near: z.object({ latitude: z.number().min(-90, 'zoneLatitude').max(90, 'zoneLatitude'), longitude: z.number().min(-180, 'zoneLongitude').max(180, 'zoneLongitude') }).nullish().transform((v) => v ?? null),
  first: z.int('popularFirstRange').min(1, 'popularFirstRange').max(50, 'popularFirstRange').nullish().transform((v) => v ?? 10),
});

export interface ZoneServiceDeps {
  prisma: TransactionPrisma;
  zones: ZoneRepository;
  trades: TradeRepository;
  events: TransactionEvents;
  afterCommit: () => void;
}

export class ZoneService {
  constructor(private readonly deps: ZoneServiceDeps) {}

  search(scope: RequestScope, input: unknown): Promise<ZoneRecord[]> {
    return this.deps.zones.search(validate(searchSchema, input, scope.locale));
  }

  async upsert(scope: RequestScope, id: string | null | undefined, input: unknown): Promise<ZoneRecord> {
    requireAdmin(scope);
    const data = validate(zoneSchema, input, scope.locale);
    if (id == null) return this.deps.zones.create(data);
    const updated = await this.deps.zones.update(id, data);
    if (!updated) throw new NotFoundError(messages.zoneNotFound);
    return updated;
  }

  async propose(scope: RequestScope, transactionId: string, zoneId: string): Promise<TradeRecord> {
    const identity = requireIdentity(scope);
    const trade = await this.deps.trades.findById(transactionId);
    if (!trade) throw new NotFoundError(messages.transactionNotFound);
    if (identity.userId !== trade.buyerId && identity.userId !== trade.sellerId) throw new ForbiddenError(messages.partiesOnlyChange);
    const [zone] = await this.deps.zones.findManyByIds([zoneId]);
    if (!zone) throw new NotFoundError(messages.zoneNotFound);
    const now = new Date();
    const updated = await transaction(this.deps.prisma, async (tx) => {
      const row = await this.deps.trades.setMeetingSpot(tx, trade.id, zone.id);
      if (!row) throw badField('transactionId', 'meetingSpotClosed', scope.locale);
      await this.deps.events.meetingSpotProposed(tx, row, zone, identity.userId, now);
      return row;
    });
    this.deps.afterCommit();
    scope.loaders.trade.clear(trade.id).prime(trade.id, updated);
    return updated;
  }

  spotOf(scope: RequestScope, trade: TradeRecord): Promise<ZoneRecord | null> {
    return trade.meetingSpotId ? scope.loaders.zone.load(trade.meetingSpotId) : Promise.resolve(null);
  }
}
