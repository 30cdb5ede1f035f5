CREATE TABLE "jifen"."outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb NOT NULL,
	"delay_ms" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "outbox_created" ON "jifen"."outbox" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "inbound_unprocessed" ON "jifen"."inbound_messages" USING btree ("queued_at") WHERE processed_at is null;--> statement-breakpoint
CREATE INDEX "outbound_pending" ON "jifen"."outbound_messages" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "claims_unfinished" ON "jifen"."claims" USING btree ("claimed_at") WHERE state in ('understood', 'validated', 'scored', 'approved');