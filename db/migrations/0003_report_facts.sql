CREATE TABLE "conversation_facts" (
	"business" varchar(64) NOT NULL,
	"conversation" "uhugeint" NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"customer" "uhugeint",
	"channel" varchar(16),
	"replied_at" timestamp with time zone,
	CONSTRAINT "conversation_facts_business_conversation_pk" PRIMARY KEY("business","conversation")
);
--> statement-breakpoint
CREATE TABLE "message_facts" (
	"business" varchar(64) NOT NULL,
	"message" "uhugeint" NOT NULL,
	"sent_at" timestamp with time zone,
	"channel" varchar(16),
	"customer" "uhugeint",
	"sender" varchar(16),
	"category" varchar(16),
	"template" varchar(512),
	"delivered" boolean NOT NULL,
	"read" boolean NOT NULL,
	CONSTRAINT "message_facts_business_message_pk" PRIMARY KEY("business","message")
);
--> statement-breakpoint
-- Backfill from the events already stored (db/conversationFacts.ts factsFromEvents and
-- db/messageFacts.ts messageFactsFromEvents at the time of writing).
INSERT INTO "conversation_facts"
SELECT business, ((('0x' || substr((CASE WHEN regexp_full_match(conversation, '[0-9a-f]{64}') THEN conversation ELSE sha256(conversation) END), 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr((CASE WHEN regexp_full_match(conversation, '[0-9a-f]{64}') THEN conversation ELSE sha256(conversation) END), 17, 16))::UBIGINT::UHUGEINT),
       min(occurred_at),
       min(occurred_at) FILTER (WHERE type = 'message.received'),
       ((('0x' || substr((CASE WHEN regexp_full_match(arg_min(customer, occurred_at) FILTER (WHERE type = 'message.received'), '[0-9a-f]{64}') THEN arg_min(customer, occurred_at) FILTER (WHERE type = 'message.received') ELSE sha256(arg_min(customer, occurred_at) FILTER (WHERE type = 'message.received')) END), 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr((CASE WHEN regexp_full_match(arg_min(customer, occurred_at) FILTER (WHERE type = 'message.received'), '[0-9a-f]{64}') THEN arg_min(customer, occurred_at) FILTER (WHERE type = 'message.received') ELSE sha256(arg_min(customer, occurred_at) FILTER (WHERE type = 'message.received')) END), 17, 16))::UBIGINT::UHUGEINT),
       arg_min(channel, occurred_at) FILTER (WHERE type = 'message.received'),
       min(occurred_at) FILTER (WHERE type = 'message.sent' AND sender IN ('agent', 'bot'))
FROM events
WHERE conversation IS NOT NULL AND type LIKE 'message.%'
GROUP BY business, conversation;
--> statement-breakpoint
INSERT INTO "message_facts"
SELECT business, ((('0x' || substr((CASE WHEN regexp_full_match(coalesce(message, event_id), '[0-9a-f]{64}') THEN coalesce(message, event_id) ELSE sha256(coalesce(message, event_id)) END), 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr((CASE WHEN regexp_full_match(coalesce(message, event_id), '[0-9a-f]{64}') THEN coalesce(message, event_id) ELSE sha256(coalesce(message, event_id)) END), 17, 16))::UBIGINT::UHUGEINT),
       min(occurred_at) FILTER (WHERE type = 'message.sent'),
       arg_min_null(channel, occurred_at) FILTER (WHERE type = 'message.sent'),
       ((('0x' || substr((CASE WHEN regexp_full_match(arg_min_null(customer, occurred_at) FILTER (WHERE type = 'message.sent'), '[0-9a-f]{64}') THEN arg_min_null(customer, occurred_at) FILTER (WHERE type = 'message.sent') ELSE sha256(arg_min_null(customer, occurred_at) FILTER (WHERE type = 'message.sent')) END), 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr((CASE WHEN regexp_full_match(arg_min_null(customer, occurred_at) FILTER (WHERE type = 'message.sent'), '[0-9a-f]{64}') THEN arg_min_null(customer, occurred_at) FILTER (WHERE type = 'message.sent') ELSE sha256(arg_min_null(customer, occurred_at) FILTER (WHERE type = 'message.sent')) END), 17, 16))::UBIGINT::UHUGEINT),
       arg_min_null(sender, occurred_at) FILTER (WHERE type = 'message.sent'),
       arg_min_null(category, occurred_at) FILTER (WHERE type = 'message.sent'),
       arg_min_null(template, occurred_at) FILTER (WHERE type = 'message.sent'),
       bool_or(type IN ('message.delivered', 'message.read')),
       bool_or(type = 'message.read')
FROM events
WHERE type = 'message.sent' OR (type IN ('message.delivered', 'message.read') AND message IS NOT NULL)
GROUP BY business, coalesce(message, event_id);
