// Products: who may see and change what, input rules, listing pages with cursors, caching.
// Resolvers call this; only repositories touch the database.
import { randomUUID } from 'node:crypto';
import { ConflictError, ForbiddenError, isUuid, NotFoundError, requireIdentity } from '@anshim/platform';
import { z } from 'zod';
import type { PartyRepository } from '../copies/party-repository.ts';
import type { RiskEffectsRepository } from '../copies/risk-effects-repository.ts';
import { refuseWhileVerificationRequired } from '../copies/verification-requirement.ts';
import { transaction, type TransactionPrisma } from '../database.ts';
import type { ImageService } from '../images/image-service.ts';
import { messages } from '../messages.ts';
import { DEFAULT_GRADE, DEFAULT_SCORE, gradeRank } from '../model.ts';
import type { TransactionEvents } from '../outbound/transaction-events.ts';
import type { RequestScope } from '../scope.ts';
import { badField, validate } from '../validation.ts';
import { decodeCursor, encodeCursor, type CursorPosition } from './cursor.ts';
import type { ProductCache } from './product-cache.ts';
import { createProductSchema, listingSchema, MAX_POPULAR, normalizeSearchText, priceSchema, type ListingInput } from './product-input.ts';
import { reviveProduct, type ProductRecord, type ProductRepository } from './product-repository.ts';
import type { ViewCounter } from './view-counter.ts';

export interface ProductServiceDeps {
  prisma: TransactionPrisma;
  products: ProductRepository;
  parties: PartyRepository;
  riskEffects: RiskEffectsRepository;
  images: ImageService;
  cache: ProductCache;
  views: ViewCounter;
  events: TransactionEvents;
  /** Tells the outbox relay a committed event is waiting. */
  afterCommit: () => void;
}

export interface ProductConnection {
  edges: Array<{ cursor: string; node: ProductRecord }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

interface CachedPage {
  rows: ProductRecord[];
  hasNextPage: boolean;
  totalCount: number;
}

const firstSchema = (max: number, message: string) => z.int(message).min(1, message).max(max, message);

export function positionOf(row: ProductRecord, sort: CursorPosition['sort']): CursorPosition {
  if (sort === 'NEWEST') return { sort, createdAt: row.createdAt, id: row.id };
  if (sort === 'SELLER_SAFETY') return { sort, score: row.sellerScore, createdAt: row.createdAt, id: row.id };
  return { sort, price: row.price, id: row.id };
}

export class ProductService {
  constructor(private readonly deps: ProductServiceDeps) {}

  /** The seller themself or an ADMIN: may see HIDDEN listings. */
  canManage(scope: RequestScope, product: Pick<ProductRecord, 'sellerId'>): boolean {
    return scope.identity !== null && (scope.identity.userId === product.sellerId || scope.identity.role === 'ADMIN');
  }

  private visible(scope: RequestScope, product: ProductRecord | null): ProductRecord | null {
    return product && (product.status !== 'HIDDEN' || this.canManage(scope, product)) ? product : null;
  }

  /** `product(id)`: cached detail, counted as a view; null when unknown or hidden from the caller. */
  async byId(scope: RequestScope, id: string): Promise<ProductRecord | null> {
    if (!isUuid(id)) return null;
    const product = this.visible(scope, await this.deps.cache.detail(id, () => this.deps.products.findById(id), reviveProduct));
    if (product) this.deps.views.record(product.id);
    return product;
  }

  /** `_entities` and nested products: batched, same visibility rule, no view counted. */
  async reference(scope: RequestScope, id: string): Promise<ProductRecord | null> {
    return this.visible(scope, await scope.loaders.product.load(id));
  }

  async list(scope: RequestScope, input: ListingInput): Promise<ProductConnection> {
    const query = validate(listingSchema, input, scope.locale);
    let position: CursorPosition | null = null;
    if (query.after != null) {
      const decoded = decodeCursor(query.after, query.sort);
      if (!decoded.ok) throw badField('after', decoded.reason === 'malformed' ? 'cursorMalformed' : 'cursorOtherSort', scope.locale);
      position = decoded.position;
    }
    const filter = query.filter;
    if (filter.sellerId && !isUuid(filter.sellerId)) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 };

    const page = await this.deps.cache.listing<CachedPage>(
      'list',
      { filter, sort: query.sort, first: query.first, after: query.after ?? null },
      async () => {
        const [rows, totalCount] = await Promise.all([
          this.deps.products.page(filter, query.sort, position, query.first + 1),
          this.deps.products.count(filter),
        ]);
        return { rows: rows.slice(0, query.first), hasNextPage: rows.length > query.first, totalCount };
      },
      (raw) => ({ ...raw, rows: raw.rows.map(reviveProduct) }),
    );
    const edges = page.rows.map((node) => ({ cursor: encodeCursor(positionOf(node, query.sort)), node }));
    return { edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: page.totalCount };
  }

  async popular(scope: RequestScope, first: number | null | undefined): Promise<ProductRecord[]> {
    const limit = validate(firstSchema(MAX_POPULAR, 'popularFirstRange').nullish(), first, scope.locale) ?? 10;
    return this.deps.cache.listing('popular', { first: limit }, () => this.deps.products.popular(limit), (rows) => rows.map(reviveProduct));
  }

  /** User.products: public listings; the seller themself and ADMINs also see HIDDEN ones. */
  async ofSeller(scope: RequestScope, sellerId: string, first: number | null | undefined): Promise<ProductRecord[]> {
    const limit = validate(firstSchema(100, 'listFirstRange').nullish(), first, scope.locale) ?? 20;
    const withHidden = this.canManage(scope, { sellerId }) ? 1 : 0;
    return scope.loaders.sellerProducts.load(`${sellerId}|${limit}|${withHidden}`);
  }

  async create(scope: RequestScope, input: unknown): Promise<ProductRecord> {
    const identity = requireIdentity(scope);
    const parsed = validate(createProductSchema, input, scope.locale);
    await this.refuseIfRestricted(identity.userId);
    await refuseWhileVerificationRequired(this.deps.riskEffects, identity.userId);
    // Files are checked and published before the transaction: slow I/O holds no locks.
    const imageKeys = await this.deps.images.prepare(identity.userId, parsed.imageKeys, scope.locale);
    const id = randomUUID();
    const product = await this.insertProduct(identity.userId, id, parsed, imageKeys).catch(async (error: unknown) => {
      await this.deps.images.abandon(imageKeys);
      throw error;
    });
    await this.deps.images.attached(identity.userId, parsed.imageKeys);
    await this.afterWrite(scope, product);
    return product;
  }

  private async insertProduct(sellerId: string, id: string, parsed: z.infer<typeof createProductSchema>, imageKeys: string[]): Promise<ProductRecord> {
    const safety = await this.deps.parties.safetyOf(this.deps.prisma, sellerId);
    return transaction(this.deps.prisma, async (tx) => {
      const created = await this.deps.products.create(tx, {
        id,
        sellerId,
        title: parsed.title,
        description: parsed.description,
        price: parsed.price,
        category: parsed.category,
        region: parsed.region,
        imageKeys,
        searchText: normalizeSearchText(`${parsed.title} ${parsed.description}`),
        sellerGradeRank: gradeRank(safety?.grade ?? DEFAULT_GRADE),
        sellerScore: safety?.score ?? DEFAULT_SCORE,
      });
      const attached = await this.deps.images.attach(tx, parsed.imageKeys, sellerId, id);
      // Another createProduct took one of the keys between our check and now.
      if (attached !== parsed.imageKeys.length) throw new ConflictError(messages.imageKeyUsed, { field: 'imageKeys' });
      await this.deps.events.productCreated(tx, created);
      return created;
    });
  }

  async updatePrice(scope: RequestScope, id: string, price: number): Promise<ProductRecord> {
    const identity = requireIdentity(scope);
    const newPrice = validate(z.object({ price: priceSchema }), { price }, scope.locale).price;
    const current = await this.ownProduct(scope, id);
    if (current.status === 'SOLD') throw badField('id', 'priceOfSold', scope.locale);
    await this.refuseIfRestricted(identity.userId);
    if (current.price === newPrice) return current;
    const now = new Date();
    const updated = await transaction(this.deps.prisma, async (tx) => {
      const row = await this.deps.products.updatePrice(tx, current.id, newPrice);
      await this.deps.events.priceChanged(tx, row, current.price, now);
      return row;
    });
    scope.logger.info({ productId: id, by: identity.userId }, 'price changed');
    await this.afterWrite(scope, updated);
    return updated;
  }

  async hide(scope: RequestScope, id: string): Promise<ProductRecord> {
    return this.setVisibility(scope, id, 'ON_SALE', 'HIDDEN', 'notHideable');
  }

  /** Putting a hidden listing back on sale is listing it: refused while verification is required. */
  async unhide(scope: RequestScope, id: string): Promise<ProductRecord> {
    await this.ownProduct(scope, id);
    await refuseWhileVerificationRequired(this.deps.riskEffects, requireIdentity(scope).userId);
    return this.setVisibility(scope, id, 'HIDDEN', 'ON_SALE', 'notHidden');
  }

  imageUrls(product: ProductRecord): Promise<string[]> {
    return this.deps.images.urls(product.imageKeys);
  }

  thumbnailUrls(product: ProductRecord): Promise<string[]> {
    return this.deps.images.thumbnailUrls(product.imageKeys);
  }

  private async setVisibility(scope: RequestScope, id: string, from: 'ON_SALE' | 'HIDDEN', to: 'ON_SALE' | 'HIDDEN', refusal: 'notHideable' | 'notHidden'): Promise<ProductRecord> {
    const current = await this.ownProduct(scope, id);
    const now = new Date();
    const updated = await transaction(this.deps.prisma, async (tx) => {
      if (!(await this.deps.products.setStatusIf(tx, current.id, [from], to))) throw badField('id', refusal, scope.locale);
      await this.deps.events.productStatusChanged(tx, current, to, now);
      return (await this.deps.products.findById(current.id, tx))!;
    });
    await this.afterWrite(scope, updated);
    return updated;
  }

  /** The monitor's RESTRICT_ACCOUNT: no new listings or price changes until an admin clears it. */
  private async refuseIfRestricted(userId: string): Promise<void> {
    if (await this.deps.parties.isRestricted(userId)) throw new ForbiddenError(messages.listingRestricted, { reason: 'ACCOUNT_RESTRICTED' });
  }

  /** The caller's own product: NOT_FOUND if it does not exist (or is hidden from them), FORBIDDEN if another's. */
  private async ownProduct(scope: RequestScope, id: string): Promise<ProductRecord> {
    const identity = requireIdentity(scope);
    const product = this.visible(scope, await this.deps.products.findById(id));
    if (!product) throw new NotFoundError(messages.productNotFound);
    if (product.sellerId !== identity.userId) throw new ForbiddenError(messages.sellerOnly);
    return product;
  }

  private async afterWrite(scope: RequestScope, product: ProductRecord): Promise<void> {
    this.deps.afterCommit();
    scope.loaders.product.clear(product.id).prime(product.id, product);
    await this.deps.cache.productChanged(product.id);
  }
}
