-- A phone number is bound to an account only once its SMS code was confirmed. Until then it waits
-- in pending_phone_encrypted, which has no lookup hash and no unique index (nothing about it may
-- tell whether another account holds the number).
-- AlterTable
ALTER TABLE "users" ADD COLUMN     "pending_phone_encrypted" TEXT;

-- Numbers bound before this rule without an SMS verification were never proven: they go back to
-- pending (the member can still verify them), so they no longer block whoever really holds them.
UPDATE "users" u
   SET "pending_phone_encrypted" = u."phone_encrypted", "phone_encrypted" = NULL, "phone_hash" = NULL
 WHERE u."phone_encrypted" IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM "verifications" v WHERE v."user_id" = u."id" AND v."method" = 'SMS');
