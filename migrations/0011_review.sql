CREATE TABLE "jifen"."review_approvals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"claim_id" bigint NOT NULL,
	"cadre_id" integer NOT NULL,
	"round" integer NOT NULL,
	"channel" text,
	"message_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_approvals_once" UNIQUE("claim_id","cadre_id","round")
);
--> statement-breakpoint
DROP INDEX "jifen"."claims_open_reference";--> statement-breakpoint
ALTER TABLE "jifen"."cadres" ADD COLUMN "reviews_first" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "jifen"."rules" ADD COLUMN "two_person" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "jifen"."review_approvals" ADD CONSTRAINT "review_approvals_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "jifen"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."review_approvals" ADD CONSTRAINT "review_approvals_cadre_id_cadres_id_fk" FOREIGN KEY ("cadre_id") REFERENCES "jifen"."cadres"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."review_approvals" ADD CONSTRAINT "review_approvals_message_id_inbound_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "claims_open_reference" ON "jifen"."claims" USING btree ("village_id","reference") WHERE reference is not null and state in ('received','understood','validated','scored','awaiting_review','approved','publicity');