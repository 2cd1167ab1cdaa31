CREATE TABLE "alert_rules" (
	"business" varchar(64) PRIMARY KEY NOT NULL,
	"rules" json NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
