-- AlterTable
ALTER TABLE "risk_signals" ADD COLUMN     "user_level" "RiskLevel";

-- AlterTable
ALTER TABLE "risk_alerts" ADD COLUMN     "dedupe_key" TEXT;

-- AlterTable
ALTER TABLE "known_users" ADD COLUMN     "account_status" TEXT NOT NULL DEFAULT 'ACTIVE',
ADD COLUMN     "status_at" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "contacts" (
    "user_id" UUID NOT NULL,
    "counterpart_id" UUID NOT NULL,
    "last_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("user_id","counterpart_id")
);

-- CreateIndex
CREATE INDEX "risk_signals_alert_id_idx" ON "risk_signals"("alert_id");

-- CreateIndex
CREATE UNIQUE INDEX "risk_alerts_dedupe_key_key" ON "risk_alerts"("dedupe_key");
