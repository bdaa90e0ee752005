-- CreateEnum
CREATE TYPE "SafetyGrade" AS ENUM ('VERY_SAFE', 'SAFE', 'NORMAL', 'CAUTION', 'DANGER');

-- CreateEnum
CREATE TYPE "AccountStatus" AS ENUM ('ACTIVE', 'SUSPENDED', 'BANNED');

-- CreateEnum
CREATE TYPE "TradeOutcome" AS ENUM ('OPEN', 'COMPLETED', 'CANCELLED', 'DISPUTED');

-- CreateEnum
CREATE TYPE "ReportState" AS ENUM ('PENDING', 'ACCEPTED', 'DISMISSED');

-- CreateEnum
CREATE TYPE "RiskLevel" AS ENUM ('NONE', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

-- CreateTable
CREATE TABLE "user_inputs" (
    "user_id" UUID NOT NULL,
    "registered_at" TIMESTAMP(3),
    "email_verified_at" TIMESTAMP(3),
    "phone_verified_at" TIMESTAMP(3),
    "phone_changed_at" TIMESTAMP(3),
    "id_card_verified_at" TIMESTAMP(3),
    "oauth_verified_at" TIMESTAMP(3),
    "profile_completeness" INTEGER NOT NULL DEFAULT 0,
    "profile_at" TIMESTAMP(3),
    "status" "AccountStatus" NOT NULL DEFAULT 'ACTIVE',
    "status_until" TIMESTAMP(3),
    "status_at" TIMESTAMP(3),
    "risk_cleared_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_inputs_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "trade_facts" (
    "transaction_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "counterpart_id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "outcome" "TradeOutcome" NOT NULL,
    "by_user_id" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "stars" INTEGER,
    "rated_at" TIMESTAMP(3),

    CONSTRAINT "trade_facts_pkey" PRIMARY KEY ("transaction_id","user_id")
);

-- CreateTable
CREATE TABLE "report_facts" (
    "report_id" UUID NOT NULL,
    "target_user_id" UUID NOT NULL,
    "reporter_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "state" "ReportState" NOT NULL,
    "filed_at" TIMESTAMP(3) NOT NULL,
    "decided_at" TIMESTAMP(3),

    CONSTRAINT "report_facts_pkey" PRIMARY KEY ("report_id")
);

-- CreateTable
CREATE TABLE "sanction_facts" (
    "report_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "starts_at" TIMESTAMP(3) NOT NULL,
    "ends_at" TIMESTAMP(3),
    "ended_at" TIMESTAMP(3),

    CONSTRAINT "sanction_facts_pkey" PRIMARY KEY ("report_id","type")
);

-- CreateTable
CREATE TABLE "risk_signals" (
    "alert_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "level" "RiskLevel" NOT NULL,
    "rule" TEXT NOT NULL,
    "detected_at" TIMESTAMP(3) NOT NULL,
    "expires_at" TIMESTAMP(3),

    CONSTRAINT "risk_signals_pkey" PRIMARY KEY ("alert_id")
);

-- CreateTable
CREATE TABLE "product_copies" (
    "product_id" UUID NOT NULL,
    "seller_id" UUID NOT NULL,
    "category" TEXT NOT NULL,
    "price" INTEGER NOT NULL,
    "first_price" INTEGER NOT NULL,
    "price_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "product_copies_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "safety_scores" (
    "user_id" UUID NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "grade" "SafetyGrade" NOT NULL,
    "factors" JSONB NOT NULL,
    "badges" TEXT[],
    "rule_version" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "safety_scores_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "safety_score_changes" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "grade" "SafetyGrade" NOT NULL,
    "delta" DOUBLE PRECISION NOT NULL,
    "reason" JSONB NOT NULL,
    "cause" TEXT NOT NULL,
    "cause_event_id" UUID,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "safety_score_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL,
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "subject_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "request_id" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
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
CREATE INDEX "trade_facts_user_id_idx" ON "trade_facts"("user_id");

-- CreateIndex
CREATE INDEX "report_facts_target_user_id_idx" ON "report_facts"("target_user_id");

-- CreateIndex
CREATE INDEX "sanction_facts_user_id_idx" ON "sanction_facts"("user_id");

-- CreateIndex
CREATE INDEX "risk_signals_user_id_idx" ON "risk_signals"("user_id");

-- CreateIndex
CREATE INDEX "product_copies_seller_id_idx" ON "product_copies"("seller_id");

-- CreateIndex
CREATE INDEX "product_copies_category_idx" ON "product_copies"("category");

-- CreateIndex
CREATE INDEX "safety_scores_grade_idx" ON "safety_scores"("grade");

-- CreateIndex
CREATE INDEX "safety_score_changes_user_id_at_idx" ON "safety_score_changes"("user_id", "at" DESC);

-- CreateIndex
CREATE INDEX "safety_score_changes_at_delta_idx" ON "safety_score_changes"("at", "delta");

-- CreateIndex
CREATE INDEX "audit_log_subject_id_at_idx" ON "audit_log"("subject_id", "at");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_created_at_idx" ON "outbox_events"("published_at", "created_at");
