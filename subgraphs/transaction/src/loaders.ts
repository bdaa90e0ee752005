// Per-request DataLoaders: every list field and `_entities` representation becomes one SQL
// statement per request and kind, however many parents ask (no N+1).
import DataLoader from 'dataloader';
import { groupedLoader, keyedLoader } from '@anshim/platform';
import type { RiskEffectsRepository } from './copies/risk-effects-repository.ts';
import type { CheckInRecord, CheckInRepository } from './meetings/check-in-repository.ts';
import type { ProductRecord, ProductRepository } from './products/product-repository.ts';
import type { StatusChangeRecord, TradeRecord, TradeRepository, TradeStatsRecord } from './trades/trade-repository.ts';
import type { ZoneRecord, ZoneRepository } from './zones/zone-repository.ts';

export interface TransactionLoaders {
  product: DataLoader<string, ProductRecord | null>;
  trade: DataLoader<string, TradeRecord | null>;
  history: DataLoader<string, StatusChangeRecord[]>;
  stats: DataLoader<string, TradeStatsRecord>;
  /** Key: `${sellerId}|${first}|${withHidden ? 1 : 0}`. */
  sellerProducts: DataLoader<string, ProductRecord[]>;
  /** Key: `${userId}|${first}`. */
  userTrades: DataLoader<string, TradeRecord[]>;
  zone: DataLoader<string, ZoneRecord | null>;
  /** Whether a user is under the monitor's WARN_COUNTERPARTS (Transaction.safetyNotice). */
  counterpartWarned: DataLoader<string, boolean>;
  /** Key: `${transactionId}|${userId}`: that party's open (else latest) check-in at the meeting spot. */
  checkIn: DataLoader<string, CheckInRecord | null>;
}

const EMPTY_STATS = { completed: 0, cancelled: 0, disputed: 0, averageRating: null };

/** Splits composite keys and runs one query per distinct `first` (in practice: one). */
function byFirst<V>(fetch: (ids: string[], first: number, keys: string[][]) => Promise<Map<string, V[]>>) {
  return new DataLoader<string, V[]>(async (keys) => {
    const parts = keys.map((key) => key.split('|'));
    const results = new Map<string, V[]>();
    for (const first of new Set(parts.map((p) => Number(p[1])))) {
      const group = parts.filter((p) => Number(p[1]) === first);
      const found = await fetch(group.map((p) => p[0]!), first, group);
      for (const p of group) results.set(p.join('|'), found.get(p[0]!) ?? []);
    }
    return keys.map((key) => results.get(key) ?? []);
  });
}

function groupBy<V>(rows: V[], keyOf: (row: V) => string): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const row of rows) {
    const key = keyOf(row);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return groups;
}

export function createLoaders(products: ProductRepository, trades: TradeRepository, zones: ZoneRepository, riskEffects: RiskEffectsRepository, checkIns: CheckInRepository): TransactionLoaders {
  return {
    checkIn: new DataLoader(async (keys) => {
      const pairs = keys.map((key) => ({ transactionId: key.split('|')[0]!, userId: key.split('|')[1]! }));
      const found = new Map((await checkIns.latestOf(pairs)).map((row) => [`${row.transactionId}|${row.userId}`, row]));
      return keys.map((key) => found.get(key) ?? null);
    }),
    counterpartWarned: new DataLoader(async (ids) => {
      const warned = await riskEffects.warnedAmong(ids);
      return ids.map((id) => warned.has(id));
    }),
    zone: keyedLoader((ids) => zones.findManyByIds(ids), (row) => row.id),
    product: keyedLoader((ids) => products.findManyByIds(ids), (row) => row.id),
    trade: keyedLoader((ids) => trades.findManyByIds(ids), (row) => row.id),
    history: groupedLoader((ids) => trades.historyOf(ids), (row) => row.transactionId),
    stats: new DataLoader(async (ids) => {
      const rows = new Map((await trades.statsOf(ids)).map((row) => [row.userId, row]));
      return ids.map((id) => toStats(rows.get(id) ?? EMPTY_STATS));
    }),
    sellerProducts: byFirst(async (ids, first, keys) => {
      const withHidden = keys.filter((k) => k[2] === '1').map((k) => k[0]!);
      return groupBy(await products.ofSellers(ids, first, withHidden), (row) => row.sellerId);
    }),
    userTrades: byFirst(async (ids, first) => {
      const rows = await trades.ofUsers(ids, first);
      return new Map([...groupBy(rows, (row) => row.ownerId)].map(([id, list]) => [id, list.map(({ ownerId: _o, ...trade }) => trade as TradeRecord)]));
    }),
  };
}

export function toStats(row: { completed: number; cancelled: number; disputed: number; averageRating: number | null }): TradeStatsRecord {
  const finished = row.completed + row.cancelled + row.disputed;
  return {
    completed: row.completed,
    cancelled: row.cancelled,
    disputed: row.disputed,
    completionRate: finished === 0 ? 0 : Math.round((row.completed / finished) * 1000) / 1000,
    averageRating: row.averageRating === null ? null : Math.round(row.averageRating * 100) / 100,
  };
}
