-- Indexes PostgreSQL needs for the lookups of db/auditLog.ts, db/users.ts and db/webhookState.ts
-- (DuckDB scans these small tables instead). Written by hand: the schema is shared with DuckDB,
-- where these indexes are not wanted.
CREATE INDEX "audit_log_at" ON "audit_log" ("at", "id");
--> statement-breakpoint
CREATE INDEX "sessions_user_id" ON "sessions" ("user_id");
--> statement-breakpoint
CREATE INDEX "sessions_expires_at" ON "sessions" ("expires_at");
--> statement-breakpoint
CREATE INDEX "webhook_messages_customer_at" ON "webhook_messages" ("business", "channel", "customer", "at");
