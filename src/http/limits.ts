import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';

/**
 * Requests per minute one client address may make to the routes of the plugin it is called in
 * (the API, sign-in); past it, 429 with Retry-After. Counted per process.
 */
export async function limitRate(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, { max: perMinute, timeWindow: 60_000 });
}
