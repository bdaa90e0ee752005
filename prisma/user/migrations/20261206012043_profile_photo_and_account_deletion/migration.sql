-- AlterTable
ALTER TABLE "users" ADD COLUMN     "deleted_at" TIMESTAMP(3),
ADD COLUMN     "has_password" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "photo_key" TEXT;

-- CreateTable
CREATE TABLE "profile_photo_uploads" (
    "key" TEXT NOT NULL,
    "owner_id" UUID NOT NULL,
    "content_type" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "attached_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "profile_photo_uploads_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "retired_phones" (
    "phone_hash" TEXT NOT NULL,
    "deleted_user_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "retired_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retain_until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "retired_phones_pkey" PRIMARY KEY ("phone_hash")
);

-- CreateIndex
CREATE INDEX "profile_photo_uploads_owner_id_created_at_idx" ON "profile_photo_uploads"("owner_id", "created_at");

-- CreateIndex
CREATE INDEX "retired_phones_retain_until_idx" ON "retired_phones"("retain_until");
