CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" varchar(200) NOT NULL,
	"action" varchar(64) NOT NULL,
	"target" varchar(500),
	"filters" json,
	"row_count" integer,
	"sha256" varchar(64)
);
--> statement-breakpoint
CREATE TABLE "businesses" (
	"id" varchar(64) PRIMARY KEY NOT NULL,
	"name" varchar(200) NOT NULL,
	"sector" varchar(100) NOT NULL,
	"verified" boolean NOT NULL,
	"timezone" varchar(64) NOT NULL,
	"business_hours" json NOT NULL,
	"app_secret" varchar(256),
	"verify_token" varchar(256),
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ingest_key_businesses" (
	"key_id" varchar(32) NOT NULL,
	"business" varchar(64) NOT NULL,
	CONSTRAINT "ingest_key_businesses_key_id_business_pk" PRIMARY KEY("key_id","business")
);
--> statement-breakpoint
CREATE TABLE "ingest_keys" (
	"id" varchar(32) PRIMARY KEY NOT NULL,
	"key_hash" varchar(64) NOT NULL,
	"label" varchar(200),
	"created_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "ingest_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "processing_locations" (
	"business" varchar(64) NOT NULL,
	"country" varchar(2) NOT NULL,
	"processor" varchar(200) NOT NULL,
	"role" varchar(16) NOT NULL,
	"mechanism" varchar(16) NOT NULL,
	"is_primary" boolean NOT NULL,
	CONSTRAINT "processing_locations_business_country_processor_pk" PRIMARY KEY("business","country","processor"),
	CONSTRAINT "processing_locations_role" CHECK ("processing_locations"."role" IN ('controller', 'processor')),
	CONSTRAINT "processing_locations_mechanism" CHECK ("processing_locations"."mechanism" IN ('eea', 'adequacy', 'dpf', 'scc', 'bcr', 'derogation', 'none'))
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" varchar(64) PRIMARY KEY NOT NULL,
	"user_id" varchar(40),
	"role" varchar(16) NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"admin_token_proof" varchar(64)
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" varchar(40) PRIMARY KEY NOT NULL,
	"email" varchar(254) NOT NULL,
	"password_hash" varchar(200) NOT NULL,
	"role" varchar(16) NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"businesses" json,
	CONSTRAINT "users_email_unique" UNIQUE("email"),
	CONSTRAINT "users_role" CHECK ("users"."role" IN ('marketing', 'dpo', 'admin'))
);
--> statement-breakpoint
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
