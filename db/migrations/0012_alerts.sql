CREATE TABLE "alert_attempts" (
	"alert" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"status" integer,
	"error" varchar(32),
	"duration_ms" integer NOT NULL,
	CONSTRAINT "alert_attempts_alert_attempt_pk" PRIMARY KEY("alert","attempt")
);
--> statement-breakpoint
CREATE TABLE "alert_endpoints" (
	"business" varchar(64) PRIMARY KEY NOT NULL,
	"url" varchar(2048) NOT NULL,
	"secret" varchar(512) NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"business" varchar(64) NOT NULL,
	"kind" varchar(64) NOT NULL,
	"cause" varchar(256) NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	"title" varchar(200) NOT NULL,
	"details" json NOT NULL,
	"state" varchar(16) NOT NULL,
	"attempts" integer NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"claimed_until" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "alerts_business_cause" UNIQUE("business","cause"),
	CONSTRAINT "alerts_state" CHECK ("alerts"."state" IN ('undelivered', 'delivered', 'failed'))
);
