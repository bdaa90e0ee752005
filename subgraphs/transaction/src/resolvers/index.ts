import type { Resolvers } from '../generated/resolvers-types.ts';
import { checkInAtMeetingSpot } from './check-in-at-meeting-spot.ts';
import { checkOutOfMeetingSpot } from './check-out-of-meeting-spot.ts';
import { createProduct } from './create-product.ts';
import { createProductImageUpload } from './create-product-image-upload.ts';
import { DateTimeScalar, JSONScalar } from '@anshim/platform';
import { hideProduct } from './hide-product.ts';
import { popularProducts } from './popular-products.ts';
import { product } from './product.ts';
import { productCategories } from './product-categories.ts';
import { Product } from './product-type.ts';
import { products } from './products.ts';
import { proposeMeetingSpot } from './propose-meeting-spot.ts';
import { rateTransaction } from './rate-transaction.ts';
import { safeTradeZones } from './safe-trade-zones.ts';
import { startTransaction } from './start-transaction.ts';
import { TransactionStatusChange } from './status-change-type.ts';
import { transaction } from './transaction.ts';
import { Transaction } from './transaction-type.ts';
import { unhideProduct } from './unhide-product.ts';
import { updateProductPrice } from './update-product-price.ts';
import { updateTransactionStatus } from './update-transaction-status.ts';
import { upsertSafeTradeZone } from './upsert-safe-trade-zone.ts';
import { User } from './user-type.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query: {
    product,
    products,
    popularProducts,
    transaction,
    productCategories,
    safeTradeZones,
    tradesCompletedByDay: (_parent, { days }, ctx) => ctx.services.dashboard.completedByDay(ctx, days),
  },
  Mutation: {
    createProductImageUpload,
    createProduct,
    updateProductPrice,
    hideProduct,
    unhideProduct,
    startTransaction,
    updateTransactionStatus,
    rateTransaction,
    proposeMeetingSpot,
    upsertSafeTradeZone,
    checkInAtMeetingSpot,
    checkOutOfMeetingSpot,
  },
  User,
  Product,
  Transaction,
  TransactionStatusChange,
};
