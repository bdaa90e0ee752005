-- AlterTable
ALTER TABLE "guardians" ADD COLUMN     "approves_payments" BOOLEAN NOT NULL DEFAULT false;
