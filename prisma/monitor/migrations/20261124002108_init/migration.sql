-- CreateEnum
CREATE TYPE "RiskLevel" AS ENUM ('NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

-- CreateEnum
CREATE TYPE "RiskActionType" AS ENUM ('WARN_COUNTERPARTS', 'REQUIRE_VERIFICATION', 'HOLD_TRANSACTIONS', 'RESTRICT_ACCOUNT', 'CLEAR');

-- CreateTable
CREATE TABLE "activities" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "counterpart_id" UUID,
    "product_id" UUID,
    "transaction_id" UUID,
    "text" TEXT,
    "device_id" TEXT,
    "amount" INTEGER,
    "occurred_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "activities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "risk_signals" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "rule" TEXT NOT NULL,
    "level" "RiskLevel" NOT NULL,
    "alert_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "cleared_at" TIMESTAMP(3),

    CONSTRAINT "risk_signals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "risk_alerts" (
    "id" UUID NOT NULL,
    "level" "RiskLevel" NOT NULL,
    "rule" TEXT NOT NULL,
    "message_ko" TEXT NOT NULL,
    "message_en" TEXT NOT NULL,
    "subject_user_id" UUID NOT NULL,
    "product_id" UUID,
    "transaction_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMP(3),

    CONSTRAINT "risk_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_recipients" (
    "alert_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "acknowledged_at" TIMESTAMP(3),

    CONSTRAINT "alert_recipients_pkey" PRIMARY KEY ("alert_id","user_id")
);

-- CreateTable
CREATE TABLE "risk_actions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "action" "RiskActionType" NOT NULL,
    "reason" TEXT NOT NULL,
    "by_user_id" UUID,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMP(3),

    CONSTRAINT "risk_actions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entries" (
    "id" UUID NOT NULL,
    "actor_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "target_id" UUID NOT NULL,
    "details" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "known_users" (
    "id" UUID NOT NULL,
    "registered_at" TIMESTAMP(3) NOT NULL,
    "protected_mode" BOOLEAN NOT NULL DEFAULT false,
    "min_counterpart_grade" TEXT,
    "safety_grade" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "known_users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "known_products" (
    "id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "category" TEXT NOT NULL,
    "price" INTEGER NOT NULL,

    CONSTRAINT "known_products_pkey" PRIMARY KEY ("id")
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
CREATE INDEX "activities_user_id_occurred_at_idx" ON "activities"("user_id", "occurred_at");

-- CreateIndex
CREATE INDEX "risk_signals_user_id_expires_at_idx" ON "risk_signals"("user_id", "expires_at");

-- CreateIndex
CREATE INDEX "risk_alerts_subject_user_id_created_at_idx" ON "risk_alerts"("subject_user_id", "created_at");

-- CreateIndex
CREATE INDEX "risk_alerts_product_id_idx" ON "risk_alerts"("product_id");

-- CreateIndex
CREATE INDEX "alert_recipients_user_id_idx" ON "alert_recipients"("user_id");

-- CreateIndex
CREATE INDEX "risk_actions_user_id_created_at_idx" ON "risk_actions"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_entries_target_id_created_at_idx" ON "audit_entries"("target_id", "created_at");

-- CreateIndex
CREATE INDEX "known_products_category_idx" ON "known_products"("category");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_created_at_idx" ON "outbox_events"("published_at", "created_at");

-- AddForeignKey
ALTER TABLE "alert_recipients" ADD CONSTRAINT "alert_recipients_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "risk_alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
