ALTER TABLE "jifen"."outbound_messages" ADD COLUMN "kind" text;--> statement-breakpoint
ALTER TABLE "jifen"."outbound_messages" ADD COLUMN "params" jsonb;