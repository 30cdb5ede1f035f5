CREATE TABLE "jifen"."unmatched_delivery_reports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider_id" text NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "unmatched_delivery_reports_provider_id" ON "jifen"."unmatched_delivery_reports" USING btree ("provider_id");