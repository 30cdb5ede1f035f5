/** The Twilio SDK (~0.3 s to load), loaded when a Twilio webhook or message first needs it: a deployment without Twilio never loads it. */
export const twilioSdk = async () => (await import('twilio')).default;
