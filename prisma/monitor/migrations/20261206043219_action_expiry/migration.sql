-- AlterTable
ALTER TABLE "risk_actions" ADD COLUMN     "ended_at" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "risk_actions_ended_at_expires_at_idx" ON "risk_actions"("ended_at", "expires_at");

-- Actions taken before this migration: what a CLEAR already lifted has ended then (CLEAR rows
-- themselves are instantaneous); automatic actions never had an expiry and get the default
-- duration (72 hours, MONITOR_*_SECONDS), after which the sweep ends or renews them.
UPDATE "risk_actions" a SET "ended_at" = c."cleared_at"
  FROM (SELECT "user_id", max("created_at") AS "cleared_at" FROM "risk_actions" WHERE "action" = 'CLEAR' GROUP BY "user_id") c
 WHERE a."user_id" = c."user_id" AND a."action" <> 'CLEAR' AND a."created_at" <= c."cleared_at" AND a."ended_at" IS NULL;
UPDATE "risk_actions" SET "ended_at" = "created_at" WHERE "action" = 'CLEAR' AND "ended_at" IS NULL;
UPDATE "risk_actions" SET "expires_at" = "created_at" + interval '72 hours'
 WHERE "by_user_id" IS NULL AND "expires_at" IS NULL AND "action" <> 'CLEAR';
