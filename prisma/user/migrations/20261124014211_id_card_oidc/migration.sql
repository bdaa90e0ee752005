-- CreateEnum
CREATE TYPE "IdCardCheckStatus" AS ENUM ('AWAITING_UPLOAD', 'PENDING', 'APPROVED', 'REJECTED', 'EXPIRED');

-- CreateTable
CREATE TABLE "id_card_checks" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" "IdCardCheckStatus" NOT NULL DEFAULT 'AWAITING_UPLOAD',
    "content_type" TEXT,
    "photo_key" TEXT,
    "photo_size" INTEGER,
    "upload_expires_at" TIMESTAMP(3) NOT NULL,
    "submitted_at" TIMESTAMP(3),
    "decided_at" TIMESTAMP(3),
    "decided_by" UUID,
    "reason" TEXT,
    "purge_after" TIMESTAMP(3),
    "photo_deleted_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "id_card_checks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "oidc_identities" (
    "provider" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "email" TEXT,
    "linked_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "oidc_identities_pkey" PRIMARY KEY ("provider","subject")
);

-- CreateIndex
CREATE INDEX "id_card_checks_user_id_created_at_idx" ON "id_card_checks"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "id_card_checks_status_submitted_at_idx" ON "id_card_checks"("status", "submitted_at");

-- CreateIndex
CREATE INDEX "id_card_checks_purge_after_idx" ON "id_card_checks"("purge_after");

-- CreateIndex
CREATE UNIQUE INDEX "oidc_identities_user_id_provider_key" ON "oidc_identities"("user_id", "provider");

-- AddForeignKey
ALTER TABLE "id_card_checks" ADD CONSTRAINT "id_card_checks_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "oidc_identities" ADD CONSTRAINT "oidc_identities_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
