-- CreateTable
CREATE TABLE "admin_audit_log" (
    "id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "subject_id" TEXT,
    "details" JSONB,
    "request_id" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "admin_audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "admin_audit_log_at_id_idx" ON "admin_audit_log"("at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "admin_audit_log_actor_id_at_idx" ON "admin_audit_log"("actor_id", "at" DESC);

-- CreateIndex
CREATE INDEX "admin_audit_log_action_at_idx" ON "admin_audit_log"("action", "at" DESC);
