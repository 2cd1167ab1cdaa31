-- By hand: DuckDB cannot drop a primary key, so each facts table is rebuilt without one. Its key
-- (business, conversation|message) stays unique by construction: a compaction deletes the rows it
-- folds and inserts them combined (db/factParts.ts foldParts). The indexes cost memory that grew
-- with the facts (608 MiB of DuckDB's 1 GB at 47M events) and that DuckDB keeps resident.
CREATE TABLE "conversation_facts_unkeyed" (
	"business" varchar(64) NOT NULL,
	"conversation" "uhugeint" NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"customer" "uhugeint",
	"channel" varchar(16),
	"replied_at" timestamp with time zone,
	"last_at" timestamp with time zone
);
--> statement-breakpoint
INSERT INTO "conversation_facts_unkeyed" SELECT business, conversation, first_at, started_at, customer, channel, replied_at, last_at FROM "conversation_facts";
--> statement-breakpoint
DROP TABLE "conversation_facts";
--> statement-breakpoint
ALTER TABLE "conversation_facts_unkeyed" RENAME TO "conversation_facts";
--> statement-breakpoint
CREATE TABLE "message_facts_unkeyed" (
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
--> statement-breakpoint
INSERT INTO "message_facts_unkeyed" SELECT business, message, sent_at, channel, customer, sender, category, template, delivered, read FROM "message_facts";
--> statement-breakpoint
DROP TABLE "message_facts";
--> statement-breakpoint
ALTER TABLE "message_facts_unkeyed" RENAME TO "message_facts";
