CREATE TABLE "customer_links" (
	"business" varchar(64) NOT NULL,
	"identity" varchar(64) NOT NULL,
	"person" varchar(64) NOT NULL,
	"kind" varchar(8) NOT NULL,
	"region" varchar(2) NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"version" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ALTER COLUMN "category" SET DATA TYPE varchar(32);--> statement-breakpoint
ALTER TABLE "message_fact_parts" ALTER COLUMN "category" SET DATA TYPE varchar(32);--> statement-breakpoint
ALTER TABLE "message_facts" ALTER COLUMN "category" SET DATA TYPE varchar(32);--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "pricing" varchar(32);--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "source" varchar(16);--> statement-breakpoint
ALTER TABLE "message_fact_parts" ADD COLUMN "status_category" varchar(32);--> statement-breakpoint
ALTER TABLE "message_fact_parts" ADD COLUMN "pricing" varchar(32);--> statement-breakpoint
ALTER TABLE "message_fact_parts" ADD COLUMN "failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "message_fact_parts" ADD COLUMN "limited" boolean DEFAULT false;--> statement-breakpoint
ALTER TABLE "message_facts" ADD COLUMN "status_category" varchar(32);--> statement-breakpoint
ALTER TABLE "message_facts" ADD COLUMN "pricing" varchar(32);--> statement-breakpoint
ALTER TABLE "message_facts" ADD COLUMN "failed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "message_facts" ADD COLUMN "limited" boolean DEFAULT false;--> statement-breakpoint
-- Failures stored before message facts knew them: one part per failed message, folded in by the
-- next compaction (the parts' columns in order; a part of failures only has no send).
INSERT INTO "message_fact_parts"
SELECT business, ((('0x' || substr((CASE WHEN regexp_full_match(message, '[0-9a-f]{64}') THEN message ELSE sha256(message) END), 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr((CASE WHEN regexp_full_match(message, '[0-9a-f]{64}') THEN message ELSE sha256(message) END), 17, 16))::UBIGINT::UHUGEINT), NULL, NULL, NULL, NULL, NULL, NULL, false, false, NULL, NULL,
       min(occurred_at), bool_or(error_code IN (131049, 130472))
FROM events WHERE type = 'message.failed' AND message IS NOT NULL
GROUP BY business, message;
