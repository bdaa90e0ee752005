-- CreateTable
CREATE TABLE "payments" (
    "id" UUID NOT NULL,
    "transaction_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "buyer_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "provider_payment_key" TEXT,
    "checkout_url" TEXT,
    "fee" INTEGER NOT NULL DEFAULT 0,
    "auto_release_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_status_changes" (
    "id" BIGSERIAL NOT NULL,
    "payment_id" UUID NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "reason" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_status_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entries" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_postings" (
    "id" BIGSERIAL NOT NULL,
    "entry_id" UUID NOT NULL,
    "account_kind" TEXT NOT NULL,
    "account_owner" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,

    CONSTRAINT "ledger_postings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "guardian_approvals" (
    "id" UUID NOT NULL,
    "payment_id" UUID NOT NULL,
    "guardian_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "reason_code" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "failed_tries" INTEGER NOT NULL DEFAULT 0,
    "requested_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decided_at" TIMESTAMP(3),
    "expires_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "guardian_approvals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "trade_copies" (
    "transaction_id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "buyer_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "price" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "status_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "trade_copies_pkey" PRIMARY KEY ("transaction_id")
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
CREATE UNIQUE INDEX "payments_order_id_key" ON "payments"("order_id");

-- CreateIndex
CREATE UNIQUE INDEX "payments_provider_payment_key_key" ON "payments"("provider_payment_key");

-- CreateIndex
CREATE INDEX "payments_buyer_id_created_at_idx" ON "payments"("buyer_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "payments_seller_id_created_at_idx" ON "payments"("seller_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "payments_status_auto_release_at_idx" ON "payments"("status", "auto_release_at");

-- CreateIndex
CREATE INDEX "payments_transaction_id_idx" ON "payments"("transaction_id");

-- CreateIndex
CREATE INDEX "payment_status_changes_payment_id_id_idx" ON "payment_status_changes"("payment_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_entries_payment_id_kind_key" ON "ledger_entries"("payment_id", "kind");

-- CreateIndex
CREATE INDEX "ledger_postings_account_kind_account_owner_idx" ON "ledger_postings"("account_kind", "account_owner");

-- CreateIndex
CREATE INDEX "ledger_postings_entry_id_idx" ON "ledger_postings"("entry_id");

-- CreateIndex
CREATE UNIQUE INDEX "guardian_approvals_payment_id_key" ON "guardian_approvals"("payment_id");

-- CreateIndex
CREATE INDEX "guardian_approvals_status_expires_at_idx" ON "guardian_approvals"("status", "expires_at");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_created_at_idx" ON "outbox_events"("published_at", "created_at");

-- AddForeignKey
ALTER TABLE "payment_status_changes" ADD CONSTRAINT "payment_status_changes_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_entry_id_fkey" FOREIGN KEY ("entry_id") REFERENCES "ledger_entries"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guardian_approvals" ADD CONSTRAINT "guardian_approvals_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The ledger's invariants, kept by the database itself (written by hand; Prisma has no syntax for them).
-- 1. Money amounts are whole, non-zero won; amounts and prices are never negative where they mean a price.
ALTER TABLE "ledger_postings" ADD CONSTRAINT "ledger_postings_amount_nonzero" CHECK ("amount" <> 0);
ALTER TABLE "payments" ADD CONSTRAINT "payments_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "payments" ADD CONSTRAINT "payments_fee_within_amount" CHECK ("fee" >= 0 AND "fee" <= "amount");

-- 2. Postings and entries are append-only: a mistake is corrected by a new entry, never by an edit.
CREATE FUNCTION "ledger_append_only"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  RAISE EXCEPTION 'ledger rows are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'check_violation';
END;
$$;
CREATE TRIGGER "ledger_postings_append_only" BEFORE UPDATE OR DELETE ON "ledger_postings"
  FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();
CREATE TRIGGER "ledger_entries_append_only" BEFORE UPDATE OR DELETE ON "ledger_entries"
  FOR EACH ROW EXECUTE FUNCTION "ledger_append_only"();

-- 3. Every entry balances: when the transaction that wrote postings commits, each touched entry has
--    at least two postings summing to zero. Deferred, so an entry's postings may be inserted one by one.
CREATE FUNCTION "ledger_entry_balanced"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  total numeric;
  postings integer;
BEGIN
  SELECT COALESCE(SUM("amount"), 0), COUNT(*) INTO total, postings FROM "ledger_postings" WHERE "entry_id" = NEW."entry_id";
  IF postings < 2 OR total <> 0 THEN
    RAISE EXCEPTION 'ledger entry % is unbalanced (% postings summing to %)', NEW."entry_id", postings, total USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER "ledger_postings_balanced" AFTER INSERT ON "ledger_postings"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "ledger_entry_balanced"();

-- 4. One live payment per trade: concurrent starts meet here and exactly one wins; a CANCELLED or
--    FAILED payment does not block a new start for the same trade.
CREATE UNIQUE INDEX "payments_one_live_per_transaction" ON "payments"("transaction_id") WHERE "status" NOT IN ('CANCELLED', 'FAILED');
