-- CreateTable
CREATE TABLE "verification_requirement_copies" (
    "user_id" UUID NOT NULL,
    "required" BOOLEAN NOT NULL,
    "missing" TEXT[],
    "changed_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "verification_requirement_copies_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "counterpart_warnings" (
    "user_id" UUID NOT NULL,
    "active" BOOLEAN NOT NULL,
    "action_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "counterpart_warnings_pkey" PRIMARY KEY ("user_id")
);
