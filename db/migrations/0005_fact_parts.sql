CREATE TABLE "conversation_fact_parts" (
	"business" varchar(64) NOT NULL,
	"conversation" "uhugeint" NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"customer" "uhugeint",
	"channel" varchar(16),
	"replied_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "message_fact_parts" (
	"business" varchar(64) NOT NULL,
	"message" "uhugeint" NOT NULL,
	"sent_at" timestamp with time zone,
	"channel" varchar(16),
	"customer" "uhugeint",
	"sender" varchar(16),
	"category" varchar(16),
	"template" varchar(512),
	"delivered" boolean NOT NULL,
	"read" boolean NOT NULL
);
