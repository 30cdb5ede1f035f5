CREATE TABLE "jifen"."checkin_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" bigint NOT NULL,
	"message_id" bigint NOT NULL,
	"sender" text NOT NULL,
	"member_id" integer,
	"household_id" integer NOT NULL,
	"outcome" text NOT NULL,
	"claim_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkin_attempts_message" UNIQUE("message_id")
);
--> statement-breakpoint
CREATE TABLE "jifen"."checkin_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"village_id" integer NOT NULL,
	"rule_id" integer NOT NULL,
	"code" text NOT NULL,
	"opened_by" integer NOT NULL,
	"opened_by_message" bigint,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "checkin_events_opened_by_message_unique" UNIQUE("opened_by_message")
);
--> statement-breakpoint
CREATE TABLE "jifen"."announcements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"village_id" integer NOT NULL,
	"text" text NOT NULL,
	"cadre_id" integer,
	"requested_by" bigint,
	"confirm_code" text NOT NULL,
	"preview" jsonb NOT NULL,
	"state" text DEFAULT 'preview' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"confirmed_at" timestamp with time zone,
	"confirmed_by" bigint,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "announcements_requested_by_unique" UNIQUE("requested_by")
);
--> statement-breakpoint
ALTER TABLE "jifen"."cadres" ADD COLUMN "qq" text;--> statement-breakpoint
ALTER TABLE "jifen"."cadres" ADD COLUMN "can_announce" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "jifen"."members" ADD COLUMN "qq" text;--> statement-breakpoint
ALTER TABLE "jifen"."outbound_messages" ADD COLUMN "reply_to" jsonb;--> statement-breakpoint
ALTER TABLE "jifen"."wechat_bindings" ADD COLUMN "channel" text DEFAULT 'wechat' NOT NULL;--> statement-breakpoint
ALTER TABLE "jifen"."checkin_attempts" ADD CONSTRAINT "checkin_attempts_event_id_checkin_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "jifen"."checkin_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."checkin_attempts" ADD CONSTRAINT "checkin_attempts_message_id_inbound_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."checkin_attempts" ADD CONSTRAINT "checkin_attempts_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "jifen"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."checkin_attempts" ADD CONSTRAINT "checkin_attempts_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "jifen"."households"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."checkin_attempts" ADD CONSTRAINT "checkin_attempts_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "jifen"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."checkin_events" ADD CONSTRAINT "checkin_events_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."checkin_events" ADD CONSTRAINT "checkin_events_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "jifen"."rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."checkin_events" ADD CONSTRAINT "checkin_events_opened_by_cadres_id_fk" FOREIGN KEY ("opened_by") REFERENCES "jifen"."cadres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."checkin_events" ADD CONSTRAINT "checkin_events_opened_by_message_inbound_messages_id_fk" FOREIGN KEY ("opened_by_message") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."checkin_events" ADD CONSTRAINT "checkin_events_closed_by_cadres_id_fk" FOREIGN KEY ("closed_by") REFERENCES "jifen"."cadres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."announcements" ADD CONSTRAINT "announcements_village_id_villages_id_fk" FOREIGN KEY ("village_id") REFERENCES "jifen"."villages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."announcements" ADD CONSTRAINT "announcements_cadre_id_cadres_id_fk" FOREIGN KEY ("cadre_id") REFERENCES "jifen"."cadres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."announcements" ADD CONSTRAINT "announcements_requested_by_inbound_messages_id_fk" FOREIGN KEY ("requested_by") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."announcements" ADD CONSTRAINT "announcements_confirmed_by_inbound_messages_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "checkin_attended_once" ON "jifen"."checkin_attempts" USING btree ("event_id","household_id") WHERE outcome = 'attended';--> statement-breakpoint
CREATE INDEX "checkin_attempts_sender" ON "jifen"."checkin_attempts" USING btree ("event_id","sender");--> statement-breakpoint
CREATE INDEX "checkin_events_code" ON "jifen"."checkin_events" USING btree ("village_id","code","closes_at");--> statement-breakpoint
CREATE INDEX "outbound_reply_to" ON "jifen"."outbound_messages" USING btree (("reply_to"->>'id')) WHERE "jifen"."outbound_messages"."reply_to" is not null;--> statement-breakpoint
ALTER TABLE "jifen"."members" ADD CONSTRAINT "members_qq_unique" UNIQUE("qq");