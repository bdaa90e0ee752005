-- CreateTable
CREATE TABLE "guardians" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "relation" TEXT NOT NULL,
    "phone_encrypted" TEXT NOT NULL,
    "phone_hash" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "code_expires_at" TIMESTAMP(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "confirmed_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "guardians_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "guardian_notifications" (
    "guardian_id" UUID NOT NULL,
    "cause_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sent_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "guardian_notifications_pkey" PRIMARY KEY ("guardian_id","cause_id")
);

-- CreateTable
CREATE TABLE "counterpart_grades" (
    "user_id" UUID NOT NULL,
    "grade" "SafetyGrade" NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "counterpart_grades_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "trade_pairs" (
    "user_id" UUID NOT NULL,
    "counterpart_id" UUID NOT NULL,
    "first_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trade_pairs_pkey" PRIMARY KEY ("user_id","counterpart_id")
);

-- CreateIndex
CREATE INDEX "guardians_user_id_created_at_idx" ON "guardians"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "guardians_user_id_phone_hash_key" ON "guardians"("user_id", "phone_hash");

-- CreateIndex
CREATE INDEX "trade_pairs_counterpart_id_idx" ON "trade_pairs"("counterpart_id");

-- AddForeignKey
ALTER TABLE "guardians" ADD CONSTRAINT "guardians_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "guardian_notifications" ADD CONSTRAINT "guardian_notifications_guardian_id_fkey" FOREIGN KEY ("guardian_id") REFERENCES "guardians"("id") ON DELETE CASCADE ON UPDATE CASCADE;
