ALTER TABLE "conversation_fact_parts" ADD COLUMN "frt_bh_s" double precision;--> statement-breakpoint
ALTER TABLE "conversation_fact_parts" ADD COLUMN "frt_bh_hours_key" bigint;--> statement-breakpoint
ALTER TABLE "conversation_facts" ADD COLUMN "frt_bh_s" double precision;--> statement-breakpoint
ALTER TABLE "conversation_facts" ADD COLUMN "frt_bh_hours_key" bigint;