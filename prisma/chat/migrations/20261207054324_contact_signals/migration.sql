-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "buyer_contact_at" TIMESTAMP(3),
ADD COLUMN     "seller_contact_at" TIMESTAMP(3);
