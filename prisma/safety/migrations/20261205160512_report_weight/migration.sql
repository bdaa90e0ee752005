-- AlterTable
ALTER TABLE "report_facts" ADD COLUMN     "reporter_weight" DOUBLE PRECISION NOT NULL DEFAULT 0.1;
