-- CreateTable
CREATE TABLE "known_trades" (
    "transaction_id" UUID NOT NULL,
    "product_id" UUID,
    "buyer_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "requested_at" TIMESTAMP(3),
    "safe_payment_started_at" TIMESTAMP(3),

    CONSTRAINT "known_trades_pkey" PRIMARY KEY ("transaction_id")
);

-- CreateIndex
CREATE INDEX "known_trades_seller_id_buyer_id_idx" ON "known_trades"("seller_id", "buyer_id");
