-- AlterTable
ALTER TABLE "reports" ADD COLUMN     "reporter_trust" JSONB;

-- AlterTable
ALTER TABLE "known_users" ADD COLUMN     "email_verified_at" TIMESTAMP(3),
ADD COLUMN     "id_card_verified_at" TIMESTAMP(3),
ADD COLUMN     "oauth_verified_at" TIMESTAMP(3),
ADD COLUMN     "phone_changed_at" TIMESTAMP(3),
ADD COLUMN     "phone_verified_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "known_trades" ADD COLUMN     "accepted_at" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "known_trades_buyer_id_seller_id_idx" ON "known_trades"("buyer_id", "seller_id");
