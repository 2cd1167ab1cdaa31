CREATE TABLE "conversation_facts" (
	"business" varchar(64) NOT NULL,
	"conversation" varchar(64) NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"customer" varchar(64),
	"channel" varchar(16),
	"replied_at" timestamp with time zone,
	CONSTRAINT "conversation_facts_business_conversation_pk" PRIMARY KEY("business","conversation")
);
--> statement-breakpoint
-- Backfill from the events already stored (written by hand: drizzle-kit knows only the table).
INSERT INTO "conversation_facts"
SELECT business, conversation,
       min(occurred_at),
       min(occurred_at) FILTER (WHERE type = 'message.received'),
       arg_min(customer, occurred_at) FILTER (WHERE type = 'message.received'),
       arg_min(channel, occurred_at) FILTER (WHERE type = 'message.received'),
       min(occurred_at) FILTER (WHERE type = 'message.sent' AND sender IN ('agent', 'bot'))
FROM events
WHERE conversation IS NOT NULL AND type LIKE 'message.%'
GROUP BY business, conversation;
