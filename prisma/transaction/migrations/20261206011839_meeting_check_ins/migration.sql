-- CreateTable
CREATE TABLE "meeting_check_ins" (
    "id" UUID NOT NULL,
    "transaction_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "checked_in_at" TIMESTAMP(3) NOT NULL,
    "checked_out_at" TIMESTAMP(3),
    "alerted_at" TIMESTAMP(3),

    CONSTRAINT "meeting_check_ins_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "meeting_check_ins_transaction_id_user_id_checked_in_at_idx" ON "meeting_check_ins"("transaction_id", "user_id", "checked_in_at" DESC);

-- AddForeignKey
ALTER TABLE "meeting_check_ins" ADD CONSTRAINT "meeting_check_ins_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One open check-in per party and trade (a repeated check-in returns it; the race loses here).
CREATE UNIQUE INDEX "meeting_check_ins_open_key" ON "meeting_check_ins" ("transaction_id", "user_id")
  WHERE "checked_out_at" IS NULL;
