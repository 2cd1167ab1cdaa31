ALTER TABLE "events" ADD COLUMN "campaign" varchar(128);--> statement-breakpoint
ALTER TABLE "message_fact_parts" ADD COLUMN "campaign" varchar(128);--> statement-breakpoint
ALTER TABLE "message_facts" ADD COLUMN "campaign" varchar(128);