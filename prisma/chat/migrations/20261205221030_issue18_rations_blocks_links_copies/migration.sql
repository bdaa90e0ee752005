-- AlterTable
ALTER TABLE "user_copies" ADD COLUMN     "grade" TEXT,
ADD COLUMN     "grade_version" INTEGER,
ADD COLUMN     "held" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "held_at" TIMESTAMP(3),
ADD COLUMN     "held_until" TIMESTAMP(3),
ADD COLUMN     "min_counterpart_grade" TEXT,
ADD COLUMN     "profile_at" TIMESTAMP(3),
ADD COLUMN     "protect_chats" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "protected_mode" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "verification_at" TIMESTAMP(3),
ADD COLUMN     "verification_missing" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "verification_required" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "warned" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "warned_at" TIMESTAMP(3),
ADD COLUMN     "warned_until" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "conversation_blocks" (
    "conversation_id" UUID NOT NULL,
    "blocker_id" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversation_blocks_pkey" PRIMARY KEY ("conversation_id","blocker_id")
);

-- CreateTable
CREATE TABLE "admin_read_links" (
    "source" TEXT NOT NULL,
    "user_low" UUID NOT NULL,
    "user_high" UUID NOT NULL,
    "product_id" UUID,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "admin_read_links_pkey" PRIMARY KEY ("source")
);

-- CreateIndex
CREATE INDEX "admin_read_links_user_low_user_high_idx" ON "admin_read_links"("user_low", "user_high");

-- CreateIndex
CREATE INDEX "admin_read_links_at_idx" ON "admin_read_links"("at");

-- CreateIndex
CREATE INDEX "conversations_last_message_at_idx" ON "conversations"("last_message_at");

-- AddForeignKey
ALTER TABLE "conversation_blocks" ADD CONSTRAINT "conversation_blocks_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
