CREATE TABLE "message_facts" (
	"business" varchar(64) NOT NULL,
	"message" varchar(64) NOT NULL,
	"sent_at" timestamp with time zone,
	"channel" varchar(16),
	"customer" varchar(64),
	"sender" varchar(16),
	"category" varchar(16),
	"template" varchar(512),
	"delivered" boolean NOT NULL,
	"read" boolean NOT NULL,
	CONSTRAINT "message_facts_business_message_pk" PRIMARY KEY("business","message")
);
--> statement-breakpoint
-- Backfill from the events already stored (written by hand: drizzle-kit knows only the table).
INSERT INTO "message_facts"
SELECT business, coalesce(message, event_id),
       min(occurred_at) FILTER (WHERE type = 'message.sent'),
       arg_min_null(channel, occurred_at) FILTER (WHERE type = 'message.sent'),
       arg_min_null(customer, occurred_at) FILTER (WHERE type = 'message.sent'),
       arg_min_null(sender, occurred_at) FILTER (WHERE type = 'message.sent'),
       arg_min_null(category, occurred_at) FILTER (WHERE type = 'message.sent'),
       arg_min_null(template, occurred_at) FILTER (WHERE type = 'message.sent'),
       bool_or(type IN ('message.delivered', 'message.read')),
       bool_or(type = 'message.read')
FROM events
WHERE type = 'message.sent' OR (type IN ('message.delivered', 'message.read') AND message IS NOT NULL)
GROUP BY business, coalesce(message, event_id);
