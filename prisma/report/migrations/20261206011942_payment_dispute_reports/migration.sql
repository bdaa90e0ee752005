-- CreateEnum
CREATE TYPE "ReportOrigin" AS ENUM ('MEMBER', 'PAYMENT_DISPUTE');

-- AlterTable
ALTER TABLE "reports" ADD COLUMN     "origin" "ReportOrigin" NOT NULL DEFAULT 'MEMBER',
ADD COLUMN     "payment_id" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "reports_payment_id_key" ON "reports"("payment_id");
