-- Only open events hold their code: events whose window has passed close at their end.
UPDATE "jifen"."checkin_events" SET "closed_at" = "closes_at" WHERE "closed_at" IS NULL AND "closes_at" <= now();--> statement-breakpoint
CREATE UNIQUE INDEX "checkin_events_open_code" ON "jifen"."checkin_events" USING btree ("village_id","code") WHERE closed_at is null;