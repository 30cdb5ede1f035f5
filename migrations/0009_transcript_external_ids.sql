-- Transcripts from the feed (POST /channels/transcripts) were stored with the bare callId as their
-- external id on channel voice, which Twilio Voice shares; they are now 'transcript:<callId>'.
-- Existing ones get the prefix so a re-posted transcript is still recognised as a duplicate.
-- Twilio Voice rows carry CallSid in raw; the feed's carry callId.
UPDATE "jifen"."inbound_messages"
SET "external_id" = 'transcript:' || "external_id"
WHERE "channel" = 'voice' AND "raw" ? 'callId' AND NOT "raw" ? 'CallSid' AND "external_id" NOT LIKE 'transcript:%';
