CREATE TABLE "jifen"."wechat_bindings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"wechat_id" text NOT NULL,
	"phone" text NOT NULL,
	"code" text NOT NULL,
	"message_id" bigint NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"bound_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "wechat_bindings_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
ALTER TABLE "jifen"."cadres" ADD COLUMN "prefers" text DEFAULT 'sms' NOT NULL;--> statement-breakpoint
ALTER TABLE "jifen"."outbound_messages" ADD COLUMN "segments" integer;--> statement-breakpoint
ALTER TABLE "jifen"."outbound_messages" ADD COLUMN "fallback_channel" text;--> statement-breakpoint
ALTER TABLE "jifen"."outbound_messages" ADD COLUMN "fallback_address" text;--> statement-breakpoint
ALTER TABLE "jifen"."wechat_bindings" ADD CONSTRAINT "wechat_bindings_message_id_inbound_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."wechat_bindings" ADD CONSTRAINT "wechat_bindings_bound_by_inbound_messages_id_fk" FOREIGN KEY ("bound_by") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "wechat_bindings_wechat_id" ON "jifen"."wechat_bindings" USING btree ("wechat_id","created_at");