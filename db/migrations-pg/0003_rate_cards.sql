CREATE TABLE "business_rate_cards" (
	"business" varchar(64) PRIMARY KEY NOT NULL,
	"card_id" varchar(64) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_card_prices" (
	"card_id" varchar(64) NOT NULL,
	"version" integer NOT NULL,
	"category" varchar(32) NOT NULL,
	"country" varchar(2) NOT NULL,
	"price_micros" bigint NOT NULL,
	CONSTRAINT "rate_card_prices_card_id_version_category_country_pk" PRIMARY KEY("card_id","version","category","country")
);
--> statement-breakpoint
CREATE TABLE "rate_card_versions" (
	"card_id" varchar(64) NOT NULL,
	"version" integer NOT NULL,
	"currency" varchar(3) NOT NULL,
	"effective_from" varchar(10) NOT NULL,
	"uploaded_at" timestamp with time zone NOT NULL,
	"uploaded_by" varchar(200) NOT NULL,
	CONSTRAINT "rate_card_versions_card_id_version_pk" PRIMARY KEY("card_id","version")
);
