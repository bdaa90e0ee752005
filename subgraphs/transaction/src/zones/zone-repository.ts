// Safe-trade zones: the only code that reads or writes `safe_trade_zones`.
import { isUuid, readByUuids } from '@anshim/platform';
import { Prisma, type TransactionPrisma } from '../database.ts';

const zoneSelect = { id: true, name: true, kind: true, address: true, region: true, latitude: true, longitude: true, openHours: true } as const satisfies Prisma.SafeTradeZoneSelect;
export type ZoneRecord = Prisma.SafeTradeZoneGetPayload<{ select: typeof zoneSelect }>;
export type ZoneInput = Omit<ZoneRecord, 'id'>;

export class ZoneRepository {
  constructor(private readonly prisma: TransactionPrisma) {}

  async findManyByIds(ids: readonly string[]): Promise<ZoneRecord[]> {
    return readByUuids(ids, (valid) => this.prisma.safeTradeZone.findMany({ where: { id: { in: valid } }, select: zoneSelect }));
  }

  /**
   * Zones of a region (if given), nearest first to `near` (if given), else by name. Distance is
   * equirectangular (longitude scaled by cos(latitude)): right for ordering within a country.
   */
  async search(options: { region: string | null; near: { latitude: number; longitude: number } | null; first: number }): Promise<ZoneRecord[]> {
    const where = options.region ? Prisma.sql`WHERE region = ${options.region}` : Prisma.empty;
    const order = options.near
      ? Prisma.sql`power(latitude - ${options.near.latitude}, 2) + power((longitude - ${options.near.longitude}) * cos(radians(${options.near.latitude})), 2), id`
      : Prisma.sql`name, id`;
    return this.prisma.$queryRaw<ZoneRecord[]>(Prisma.sql`
      SELECT id::text AS "id", name, kind::text AS "kind", address, region, latitude, longitude, open_hours AS "openHours"
        FROM safe_trade_zones ${where} ORDER BY ${order} LIMIT ${options.first}`);
  }

  async create(data: ZoneInput): Promise<ZoneRecord> {
    return this.prisma.safeTradeZone.create({ data, select: zoneSelect });
  }

  /** Null when there is no zone with this id. */
  async update(id: string, data: ZoneInput): Promise<ZoneRecord | null> {
    if (!isUuid(id)) return null;
    const { count } = await this.prisma.safeTradeZone.updateMany({ where: { id }, data });
    return count === 1 ? this.prisma.safeTradeZone.findUnique({ where: { id }, select: zoneSelect }) : null;
  }
}
