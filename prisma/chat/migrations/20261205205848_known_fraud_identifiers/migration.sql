-- CreateTable
CREATE TABLE "known_fraud_identifiers" (
    "lookup_hash" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "first_confirmed_at" TIMESTAMP(3) NOT NULL,
    "last_confirmed_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "known_fraud_identifiers_pkey" PRIMARY KEY ("lookup_hash")
);
