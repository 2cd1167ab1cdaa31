ALTER TABLE "sessions" ADD COLUMN "admin_token_proof" varchar(64);--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "businesses" json;