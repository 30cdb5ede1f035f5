CREATE TABLE "jifen"."claim_evidence" (
	"claim_id" bigint NOT NULL,
	"message_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claim_evidence_claim_id_message_id_pk" PRIMARY KEY("claim_id","message_id")
);
--> statement-breakpoint
ALTER TABLE "jifen"."claim_evidence" ADD CONSTRAINT "claim_evidence_claim_id_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "jifen"."claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jifen"."claim_evidence" ADD CONSTRAINT "claim_evidence_message_id_inbound_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "jifen"."inbound_messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claim_evidence_message" ON "jifen"."claim_evidence" USING btree ("message_id");