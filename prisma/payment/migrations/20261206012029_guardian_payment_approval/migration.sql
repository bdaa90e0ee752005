-- AlterTable
ALTER TABLE "guardian_approvals" DROP COLUMN "code_hash",
ADD COLUMN     "counterpart_grade" TEXT;

-- CreateTable
CREATE TABLE "counterpart_grades" (
    "user_id" UUID NOT NULL,
    "grade" TEXT NOT NULL,
    "version" INTEGER NOT NULL,

    CONSTRAINT "counterpart_grades_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "product_titles" (
    "product_id" UUID NOT NULL,
    "title" TEXT NOT NULL,

    CONSTRAINT "product_titles_pkey" PRIMARY KEY ("product_id")
);
