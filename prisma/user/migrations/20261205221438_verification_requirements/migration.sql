-- CreateTable
CREATE TABLE "verification_requirements" (
    "user_id" UUID NOT NULL,
    "required" BOOLEAN NOT NULL,
    "missing" TEXT[],
    "action_at" TIMESTAMP(3) NOT NULL,
    "imposed_at" TIMESTAMP(3),
    "satisfied_at" TIMESTAMP(3),
    "changed_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "verification_requirements_pkey" PRIMARY KEY ("user_id")
);

-- AddForeignKey
ALTER TABLE "verification_requirements" ADD CONSTRAINT "verification_requirements_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
