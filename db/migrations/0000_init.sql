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
CREATE TABLE "events" (
	"business" varchar(64) NOT NULL,
	"event_id" varchar(64) NOT NULL,
	"type" varchar(32) NOT NULL,
	"channel" varchar(16) NOT NULL,
	"customer" varchar(64) NOT NULL,
	"customer_region" varchar(2) NOT NULL,
	"conversation" varchar(64),
	"message" varchar(64),
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"sender" varchar(16),
	"category" varchar(16),
	"template" varchar(512),
	"processed_in" varchar(2) NOT NULL,
	"error_code" integer
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
