CREATE TABLE "jifen"."conversations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"member_id" integer NOT NULL,
	"kind" text NOT NULL,
	"message_id" bigint NOT NULL,
	"options" text[] NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"closed_by" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversations_message" UNIQUE("message_id")
);
--> statement-breakpoint
CREATE TABLE "jifen"."opt_outs" (
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"message_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "opt_outs_channel_address_pk" PRIMARY KEY("channel","address")
);
--> statement-breakpoint
ALTER TABLE "jifen"."claims" DROP CONSTRAINT "claims_source_message_id_unique";--> statement-breakpoint
ALTER TABLE "jifen"."claims" ADD COLUMN "entered_by" integer;--> statement-breakpoint
ALTER TABLE "jifen"."conversations" ADD CONSTRAINT "conversations_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "jifen"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."conversations" ADD CONSTRAINT "conversations_message_id_inbound_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."conversations" ADD CONSTRAINT "conversations_closed_by_inbound_messages_id_fk" FOREIGN KEY ("closed_by") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."opt_outs" ADD CONSTRAINT "opt_outs_message_id_inbound_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "conversations_one_open" ON "jifen"."conversations" USING btree ("member_id") WHERE closed_by is null;--> statement-breakpoint
ALTER TABLE "jifen"."claims" ADD CONSTRAINT "claims_entered_by_cadres_id_fk" FOREIGN KEY ("entered_by") REFERENCES "jifen"."cadres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."claims" ADD CONSTRAINT "claims_message_rule" UNIQUE("source_message_id","rule_id");--> statement-breakpoint
ALTER TABLE "jifen"."catalogue_items" ADD CONSTRAINT "catalogue_stock_never_negative" CHECK ("jifen"."catalogue_items"."stock" >= 0);