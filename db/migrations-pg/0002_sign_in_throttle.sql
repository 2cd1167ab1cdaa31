CREATE TABLE "sign_in_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sign_in_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"key" text NOT NULL,
	"at_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_known_addresses" (
	"key" text PRIMARY KEY NOT NULL,
	"at_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_refusals" (
	"key" text PRIMARY KEY NOT NULL,
	"at_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sign_in_attempts_key_at" ON "sign_in_attempts" USING btree ("key","at_ms");--> statement-breakpoint
CREATE INDEX "sign_in_attempts_at" ON "sign_in_attempts" USING btree ("at_ms");--> statement-breakpoint
CREATE INDEX "sign_in_known_addresses_at" ON "sign_in_known_addresses" USING btree ("at_ms");--> statement-breakpoint
CREATE INDEX "sign_in_refusals_at" ON "sign_in_refusals" USING btree ("at_ms");