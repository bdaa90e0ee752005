-- CreateTable
CREATE TABLE "payment_identifiers" (
    "id" UUID NOT NULL,
    "report_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "lookup_hash" TEXT NOT NULL,
    "value_encrypted" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_identifiers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "payment_identifiers_lookup_hash_idx" ON "payment_identifiers"("lookup_hash");

-- CreateIndex
CREATE UNIQUE INDEX "payment_identifiers_report_id_lookup_hash_key" ON "payment_identifiers"("report_id", "lookup_hash");

-- AddForeignKey
ALTER TABLE "payment_identifiers" ADD CONSTRAINT "payment_identifiers_report_id_fkey" FOREIGN KEY ("report_id") REFERENCES "reports"("id") ON DELETE CASCADE ON UPDATE CASCADE;
