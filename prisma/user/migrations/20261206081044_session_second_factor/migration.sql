-- AlterTable
ALTER TABLE "refresh_tokens" ADD COLUMN     "second_factor" BOOLEAN NOT NULL DEFAULT false;
