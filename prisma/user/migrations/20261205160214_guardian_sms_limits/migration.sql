-- CreateTable
CREATE TABLE "guardian_invitations" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "phone_hash" TEXT NOT NULL,
    "sent_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "guardian_invitations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "guardian_counterpart_notices" (
    "guardian_id" UUID NOT NULL,
    "counterpart_id" UUID NOT NULL,
    "sent_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "guardian_counterpart_notices_pkey" PRIMARY KEY ("guardian_id","counterpart_id")
);

-- CreateIndex
CREATE INDEX "guardian_invitations_user_id_sent_at_idx" ON "guardian_invitations"("user_id", "sent_at");

-- CreateIndex
CREATE INDEX "guardian_invitations_phone_hash_sent_at_idx" ON "guardian_invitations"("phone_hash", "sent_at");

-- AddForeignKey
ALTER TABLE "guardian_invitations" ADD CONSTRAINT "guardian_invitations_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guardian_counterpart_notices" ADD CONSTRAINT "guardian_counterpart_notices_guardian_id_fkey" FOREIGN KEY ("guardian_id") REFERENCES "guardians"("id") ON DELETE CASCADE ON UPDATE CASCADE;
