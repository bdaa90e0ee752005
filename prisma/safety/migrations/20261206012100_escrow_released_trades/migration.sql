-- CreateTable
CREATE TABLE "escrow_releases" (
    "user_id" UUID NOT NULL,
    "transaction_id" UUID NOT NULL,
    "counterpart_id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "payment_id" UUID NOT NULL,
    "released_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "escrow_releases_pkey" PRIMARY KEY ("user_id","transaction_id")
);
