-- CreateTable
CREATE TABLE "account_links" (
    "kind" TEXT NOT NULL,
    "value_hash" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "first_seen_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "account_links_pkey" PRIMARY KEY ("kind","value_hash","user_id")
);

-- CreateTable
CREATE TABLE "confirmed_fraud_accounts" (
    "user_id" UUID NOT NULL,
    "confirmed_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "confirmed_fraud_accounts_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE INDEX "account_links_user_id_idx" ON "account_links"("user_id");
