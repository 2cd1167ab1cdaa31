-- By hand: DuckDB cannot drop a primary key or add a constraint to a table, so processing_locations
-- is rebuilt without its key (country may now be null: an international organisation) and with the
-- transfer review's columns. PostgreSQL's migration (db/migrations-pg) alters the table in place.
CREATE TABLE "processing_records" (
	"business" varchar(64) PRIMARY KEY NOT NULL,
	"records" json NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processing_locations_rebuilt" (
	"business" varchar(64) NOT NULL,
	"country" varchar(2),
	"organisation" varchar(200),
	"processor" varchar(200) NOT NULL,
	"role" varchar(16) NOT NULL,
	"mechanism" varchar(16) NOT NULL,
	"is_primary" boolean NOT NULL,
	"tia_date" varchar(10),
	"next_review" varchar(10),
	"importer_subject_to_gdpr" boolean DEFAULT false NOT NULL,
	CONSTRAINT "processing_locations_role" CHECK ("role" IN ('controller', 'processor')),
	CONSTRAINT "processing_locations_mechanism" CHECK ("mechanism" IN ('eea', 'adequacy', 'dpf', 'scc', 'bcr', 'derogation', 'none')),
	CONSTRAINT "processing_locations_place" CHECK (("country" IS NULL) <> ("organisation" IS NULL))
);
--> statement-breakpoint
INSERT INTO "processing_locations_rebuilt" ("business", "country", "processor", "role", "mechanism", "is_primary")
	SELECT "business", "country", "processor", "role", "mechanism", "is_primary" FROM "processing_locations";
--> statement-breakpoint
DROP TABLE "processing_locations";
--> statement-breakpoint
ALTER TABLE "processing_locations_rebuilt" RENAME TO "processing_locations";
