ALTER TABLE "conversation_fact_parts" ADD COLUMN "last_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "conversation_facts" ADD COLUMN "last_at" timestamp with time zone;--> statement-breakpoint
-- Backfill (by hand): each stored conversation's latest message event. Parts left by an older
-- version keep NULL (unknown), which readers treat as "may reach any period".
UPDATE conversation_facts AS f SET last_at = m.last_at
FROM (
  SELECT business, ((('0x' || substr((CASE WHEN regexp_full_match(conversation, '[0-9a-f]{64}') THEN conversation ELSE sha256(conversation) END), 1, 16))::UBIGINT::UHUGEINT << 64) | ('0x' || substr((CASE WHEN regexp_full_match(conversation, '[0-9a-f]{64}') THEN conversation ELSE sha256(conversation) END), 17, 16))::UBIGINT::UHUGEINT) AS conversation, max(occurred_at) AS last_at
  FROM events
  WHERE conversation IS NOT NULL AND type LIKE 'message.%'
  GROUP BY ALL
) AS m
WHERE f.business = m.business AND f.conversation = m.conversation;
