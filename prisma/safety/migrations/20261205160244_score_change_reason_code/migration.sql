-- Each history entry names the factor its reason speaks for, so that the reason of a pending report,
-- a risk signal or a dispute is shown only to the member and ADMINs (factor-visibility.ts).
-- AlterTable
ALTER TABLE "safety_score_changes" ADD COLUMN     "reason_code" TEXT;

-- Rows written before the column: their reason text is all that is known. Reasons that speak of a
-- pending report, detected activity or a dispute become private; the rest keep being shown.
UPDATE "safety_score_changes"
   SET "reason_code" = CASE
     WHEN "reason"->>'ko' LIKE '%검토 중인 신고%' OR "reason"->>'ko' LIKE '%활동이 감지%'
       OR "reason"->>'ko' LIKE '%위험이 감지%' OR "reason"->>'ko' LIKE '%분쟁%' THEN 'LEGACY_REVIEWED'
     ELSE 'LEGACY'
   END
 WHERE "reason_code" IS NULL;
