-- AlterTable
ALTER TABLE "known_users" ADD COLUMN     "profile_at" TIMESTAMP(3),
ADD COLUMN     "safety_grade_version" INTEGER;

-- AlterTable
ALTER TABLE "known_products" ADD COLUMN     "price_at" TIMESTAMP(3);
