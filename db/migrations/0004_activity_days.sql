CREATE TABLE "conversation_days" (
	"business" varchar(64) NOT NULL,
	"day" integer NOT NULL,
	"channel" varchar(16) NOT NULL,
	"conversation" "uhugeint" NOT NULL,
	"kinds" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_days" (
	"business" varchar(64) NOT NULL,
	"day" integer NOT NULL,
	"channel" varchar(16) NOT NULL,
	"processed_in" varchar(2) NOT NULL,
	"customer_region" varchar(2) NOT NULL,
	"customer" "uhugeint" NOT NULL,
	"kinds" integer NOT NULL
);
--> statement-breakpoint
-- Backfill from the events already stored (db/activityDays.ts customerDaysFromEvents and
-- conversationDaysFromEvents at the time of writing).
INSERT INTO "customer_days"
SELECT business, CAST(epoch_us(occurred_at) // 86400000000 AS INTEGER) AS day, channel, processed_in, customer_region, ((('0x' || substr((CASE WHEN regexp_full_match(customer, '[0-9a-f]{64}') THEN customer ELSE sha256(customer) END), 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr((CASE WHEN regexp_full_match(customer, '[0-9a-f]{64}') THEN customer ELSE sha256(customer) END), 17, 16))::UBIGINT::UHUGEINT) AS customer,
       CAST(bit_or((CASE type WHEN 'message.received' THEN 1 WHEN 'message.sent' THEN 2 WHEN 'message.delivered' THEN 4 WHEN 'message.read' THEN 8 WHEN 'message.failed' THEN 16 WHEN 'customer.blocked' THEN 32 WHEN 'customer.unblocked' THEN 64 WHEN 'customer.muted' THEN 128 WHEN 'customer.unmuted' THEN 256 WHEN 'customer.opted_out' THEN 512 WHEN 'customer.opted_in' THEN 1024 WHEN 'customer.reported' THEN 2048 ELSE 0 END) | (CASE WHEN type = 'message.sent' THEN (CASE sender WHEN 'agent' THEN 4096 WHEN 'bot' THEN 8192 WHEN 'automation' THEN 16384 ELSE 0 END) | (CASE category WHEN 'service' THEN 32768 WHEN 'marketing' THEN 65536 WHEN 'utility' THEN 131072 WHEN 'authentication' THEN 262144 ELSE 0 END) ELSE 0 END)) AS INTEGER) AS kinds
FROM events
GROUP BY ALL;
--> statement-breakpoint
INSERT INTO "conversation_days"
SELECT business, CAST(epoch_us(occurred_at) // 86400000000 AS INTEGER) AS day, channel, ((('0x' || substr((CASE WHEN regexp_full_match(conversation, '[0-9a-f]{64}') THEN conversation ELSE sha256(conversation) END), 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr((CASE WHEN regexp_full_match(conversation, '[0-9a-f]{64}') THEN conversation ELSE sha256(conversation) END), 17, 16))::UBIGINT::UHUGEINT) AS conversation,
       CAST(bit_or((CASE type WHEN 'message.received' THEN 1 WHEN 'message.sent' THEN 2 WHEN 'message.delivered' THEN 4 WHEN 'message.read' THEN 8 WHEN 'message.failed' THEN 16 WHEN 'customer.blocked' THEN 32 WHEN 'customer.unblocked' THEN 64 WHEN 'customer.muted' THEN 128 WHEN 'customer.unmuted' THEN 256 WHEN 'customer.opted_out' THEN 512 WHEN 'customer.opted_in' THEN 1024 WHEN 'customer.reported' THEN 2048 ELSE 0 END) | (CASE WHEN type = 'message.sent' THEN (CASE sender WHEN 'agent' THEN 4096 WHEN 'bot' THEN 8192 WHEN 'automation' THEN 16384 ELSE 0 END) | (CASE category WHEN 'service' THEN 32768 WHEN 'marketing' THEN 65536 WHEN 'utility' THEN 131072 WHEN 'authentication' THEN 262144 ELSE 0 END) ELSE 0 END)) AS INTEGER) AS kinds
FROM events
WHERE conversation IS NOT NULL
GROUP BY ALL;
