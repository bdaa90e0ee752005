-- CreateIndex
CREATE INDEX "reports_status_processed_at_id_idx" ON "reports"("status", "processed_at", "id");
