-- CreateEnum
CREATE TYPE "ProductStatus" AS ENUM ('ON_SALE', 'RESERVED', 'SOLD', 'HIDDEN');

-- CreateEnum
CREATE TYPE "TransactionStatus" AS ENUM ('REQUESTED', 'ACCEPTED', 'COMPLETED', 'CANCELLED', 'DISPUTED');

-- CreateEnum
CREATE TYPE "SafetyGrade" AS ENUM ('VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER');

-- CreateTable
CREATE TABLE "products" (
    "id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "price" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "region" TEXT,
    "status" "ProductStatus" NOT NULL DEFAULT 'ON_SALE',
    "image_keys" TEXT[],
    "search_text" TEXT NOT NULL,
    "seller_grade_rank" SMALLINT NOT NULL DEFAULT 2,
    "seller_score" DOUBLE PRECISION NOT NULL DEFAULT 50,
    "view_count" INTEGER NOT NULL DEFAULT 0,
    "request_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transactions" (
    "id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "buyer_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "status" "TransactionStatus" NOT NULL DEFAULT 'REQUESTED',
    "price" INTEGER NOT NULL,
    "completed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transaction_status_changes" (
    "id" UUID NOT NULL,
    "transaction_id" UUID NOT NULL,
    "from_status" "TransactionStatus",
    "to_status" "TransactionStatus" NOT NULL,
    "by_id" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transaction_status_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ratings" (
    "transaction_id" UUID NOT NULL,
    "rater_id" UUID NOT NULL,
    "ratee_id" UUID NOT NULL,
    "stars" SMALLINT NOT NULL,
    "comment" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ratings_pkey" PRIMARY KEY ("transaction_id","rater_id")
);

-- CreateTable
CREATE TABLE "image_uploads" (
    "key" TEXT NOT NULL,
    "owner_id" UUID NOT NULL,
    "content_type" TEXT NOT NULL,
    "max_bytes" INTEGER NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "attached_to" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "image_uploads_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "safety_copies" (
    "user_id" UUID NOT NULL,
    "grade" "SafetyGrade" NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "version" INTEGER NOT NULL,
    "changed_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "safety_copies_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "user_copies" (
    "user_id" UUID NOT NULL,
    "protected_mode" BOOLEAN NOT NULL DEFAULT false,
    "min_counterpart_grade" "SafetyGrade",
    "profile_at" TIMESTAMP(3),
    "account_status" TEXT NOT NULL DEFAULT 'ACTIVE',
    "status_until" TIMESTAMP(3),
    "status_at" TIMESTAMP(3),

    CONSTRAINT "user_copies_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "trade_holds" (
    "user_id" UUID NOT NULL,
    "active" BOOLEAN NOT NULL,
    "reason" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3),
    "action_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "trade_holds_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "priority" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMP(3),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_events" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateIndex
CREATE INDEX "products_seller_id_created_at_idx" ON "products"("seller_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "transactions_product_id_status_idx" ON "transactions"("product_id", "status");

-- CreateIndex
CREATE INDEX "transactions_buyer_id_created_at_idx" ON "transactions"("buyer_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "transactions_seller_id_created_at_idx" ON "transactions"("seller_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "transaction_status_changes_transaction_id_at_idx" ON "transaction_status_changes"("transaction_id", "at");

-- CreateIndex
CREATE INDEX "ratings_ratee_id_idx" ON "ratings"("ratee_id");

-- CreateIndex
CREATE INDEX "image_uploads_owner_id_created_at_idx" ON "image_uploads"("owner_id", "created_at");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_created_at_idx" ON "outbox_events"("published_at", "created_at");

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction_status_changes" ADD CONSTRAINT "transaction_status_changes_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "transactions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "transactions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Hand-written: indexes Prisma's schema language cannot express. Listings show ON_SALE and
-- RESERVED products; every sort has a partial index over exactly those rows, in ascending
-- column order so keyset row comparisons `(a, b) < ($1, $2)` use it in either direction.
-- The listing SQL (product-listing-query.ts) repeats the predicate literally so the planner
-- can match it; product-listing.integration.test.ts checks each plan with EXPLAIN.
-- ---------------------------------------------------------------------------------------------
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

-- NEWEST (backward scan), and the default order of every filter below.
CREATE INDEX "products_listed_created_idx" ON "products" ("created_at", "id")
  WHERE "status" IN ('ON_SALE', 'RESERVED');
-- PRICE_ASC (forward) and PRICE_DESC (backward); also serves minPrice/maxPrice ranges.
CREATE INDEX "products_listed_price_idx" ON "products" ("price", "id")
  WHERE "status" IN ('ON_SALE', 'RESERVED');
-- SELLER_SAFETY: best sellers first, newest first among equals.
CREATE INDEX "products_listed_seller_safety_idx" ON "products" ("seller_score", "created_at", "id")
  WHERE "status" IN ('ON_SALE', 'RESERVED');
-- category filter.
CREATE INDEX "products_listed_category_idx" ON "products" ("category", "created_at", "id")
  WHERE "status" IN ('ON_SALE', 'RESERVED');
-- minSellerGrade filter (rank 0 = VERY_SAFE … 4 = DANGER; "at least SAFE" is rank <= 1).
CREATE INDEX "products_listed_grade_idx" ON "products" ("seller_grade_rank", "created_at", "id")
  WHERE "status" IN ('ON_SALE', 'RESERVED');
-- Text search that works for Korean: trigrams of the normalised text, used by LIKE '%…%'.
CREATE INDEX "products_search_trgm_idx" ON "products" USING gin ("search_text" public.gin_trgm_ops);
-- popularProducts: views plus weighted trade requests, ON_SALE only.
CREATE INDEX "products_popular_idx" ON "products" (("view_count" + 5 * "request_count") DESC, "id")
  WHERE "status" = 'ON_SALE';

-- One open request per buyer and product; at most one trade per product past ACCEPTED.
CREATE UNIQUE INDEX "transactions_open_request_key" ON "transactions" ("product_id", "buyer_id")
  WHERE "status" IN ('REQUESTED', 'ACCEPTED');
CREATE UNIQUE INDEX "transactions_one_accepted_key" ON "transactions" ("product_id")
  WHERE "status" IN ('ACCEPTED', 'COMPLETED');
-- Stars are 1 to 5, whatever the code says.
ALTER TABLE "ratings" ADD CONSTRAINT "ratings_stars_check" CHECK ("stars" BETWEEN 1 AND 5);
ALTER TABLE "products" ADD CONSTRAINT "products_price_check" CHECK ("price" BETWEEN 0 AND 100000000);
