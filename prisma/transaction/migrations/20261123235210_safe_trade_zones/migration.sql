-- CreateEnum
CREATE TYPE "SafeZoneKind" AS ENUM ('POLICE_STATION', 'COMMUNITY_CENTER', 'SUBWAY_STATION', 'CCTV_ZONE', 'OTHER');

-- AlterTable
ALTER TABLE "transactions" ADD COLUMN     "meeting_spot_id" UUID;

-- CreateTable
CREATE TABLE "safe_trade_zones" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SafeZoneKind" NOT NULL,
    "address" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "open_hours" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "safe_trade_zones_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "safe_trade_zones_region_idx" ON "safe_trade_zones"("region");

-- CreateIndex
CREATE INDEX "safe_trade_zones_latitude_longitude_idx" ON "safe_trade_zones"("latitude", "longitude");

-- AddForeignKey
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_meeting_spot_id_fkey" FOREIGN KEY ("meeting_spot_id") REFERENCES "safe_trade_zones"("id") ON DELETE SET NULL ON UPDATE CASCADE;
