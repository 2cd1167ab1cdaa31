CREATE TABLE "residency_snapshots" (
	"business" varchar(64) PRIMARY KEY NOT NULL,
	"snapshot" json NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
