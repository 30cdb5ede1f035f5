ALTER TABLE "jifen"."cadres" ADD COLUMN "qq" text;--> statement-breakpoint
ALTER TABLE "jifen"."members" ADD COLUMN "qq" text;--> statement-breakpoint
ALTER TABLE "jifen"."outbound_messages" ADD COLUMN "reply_to" jsonb;--> statement-breakpoint
ALTER TABLE "jifen"."wechat_bindings" ADD COLUMN "channel" text DEFAULT 'wechat' NOT NULL;--> statement-breakpoint
CREATE INDEX "outbound_reply_to" ON "jifen"."outbound_messages" USING btree (("reply_to"->>'id')) WHERE "jifen"."outbound_messages"."reply_to" is not null;--> statement-breakpoint
ALTER TABLE "jifen"."members" ADD CONSTRAINT "members_qq_unique" UNIQUE("qq");