CREATE TABLE "clustered_days" (
	"table_name" varchar(64) PRIMARY KEY NOT NULL,
	"through_day" integer NOT NULL
);
