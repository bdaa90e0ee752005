-- CreateTable
CREATE TABLE "account_restrictions" (
    "user_id" UUID NOT NULL,
    "active" BOOLEAN NOT NULL,
    "reason" TEXT NOT NULL,
    "action_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "account_restrictions_pkey" PRIMARY KEY ("user_id")
);
