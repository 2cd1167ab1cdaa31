CREATE TABLE "processing_records" (
	"business" varchar(64) PRIMARY KEY NOT NULL,
	"records" json NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "processing_locations" DROP CONSTRAINT "processing_locations_business_country_processor_pk";--> statement-breakpoint
ALTER TABLE "processing_locations" ALTER COLUMN "country" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "processing_locations" ADD COLUMN "organisation" varchar(200);--> statement-breakpoint
ALTER TABLE "processing_locations" ADD COLUMN "tia_date" varchar(10);--> statement-breakpoint
ALTER TABLE "processing_locations" ADD COLUMN "next_review" varchar(10);--> statement-breakpoint
ALTER TABLE "processing_locations" ADD COLUMN "importer_subject_to_gdpr" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "processing_locations" ADD CONSTRAINT "processing_locations_place" CHECK (("processing_locations"."country" IS NULL) <> ("processing_locations"."organisation" IS NULL));