CREATE TABLE "jifen"."replay_nonces" (
	"provider" text NOT NULL,
	"nonce" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "replay_nonces_provider_nonce_pk" PRIMARY KEY("provider","nonce")
);
--> statement-breakpoint
ALTER TABLE "jifen"."rules" ADD COLUMN "short_name" text;--> statement-breakpoint
CREATE INDEX "replay_nonces_expiry" ON "jifen"."replay_nonces" USING btree ("expires_at");