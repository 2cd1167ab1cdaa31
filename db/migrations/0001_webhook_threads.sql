CREATE TABLE "webhook_intake_problems" (
	"business" varchar(64) NOT NULL,
	"channel" varchar(16) NOT NULL,
	"kind" varchar(32) NOT NULL,
	"count" integer NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "webhook_intake_problems_business_channel_kind_pk" PRIMARY KEY("business","channel","kind")
);
--> statement-breakpoint
CREATE TABLE "webhook_messages" (
	"business" varchar(64) NOT NULL,
	"channel" varchar(16) NOT NULL,
	"direction" varchar(3) NOT NULL,
	"message" varchar(64) NOT NULL,
	"customer" varchar(64) NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"thread_start" timestamp with time zone NOT NULL,
	"delivered" boolean NOT NULL,
	"read" boolean NOT NULL,
	CONSTRAINT "webhook_messages_business_channel_direction_message_pk" PRIMARY KEY("business","channel","direction","message"),
	CONSTRAINT "webhook_messages_direction" CHECK ("webhook_messages"."direction" IN ('in', 'out'))
);
--> statement-breakpoint
CREATE TABLE "webhook_policy_events" (
	"business" varchar(64) NOT NULL,
	"channel" varchar(16) NOT NULL,
	"action" varchar(32) NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "webhook_policy_events_business_channel_action_occurred_at_pk" PRIMARY KEY("business","channel","action","occurred_at")
);
--> statement-breakpoint
CREATE TABLE "webhook_watermarks" (
	"business" varchar(64) NOT NULL,
	"channel" varchar(16) NOT NULL,
	"customer" varchar(64) NOT NULL,
	"delivered_until" timestamp with time zone,
	"read_until" timestamp with time zone,
	CONSTRAINT "webhook_watermarks_business_channel_customer_pk" PRIMARY KEY("business","channel","customer")
);
