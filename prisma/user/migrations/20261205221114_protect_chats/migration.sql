-- AlterTable
ALTER TABLE "users" ADD COLUMN     "protect_chats" BOOLEAN NOT NULL DEFAULT false;
