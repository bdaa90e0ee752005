-- A sanction's public reason, written by the admin separately from the internal resolution. Sanctions
-- decided before it show the standard sentence for their type (report-visibility.ts), so the
-- internal resolution copied into "reason" is never shown to members again.
-- AlterTable
ALTER TABLE "sanctions" ADD COLUMN     "public_reason" TEXT;
