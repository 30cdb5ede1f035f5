import { expect } from 'vitest';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { ChannelHost, DeliveryStatus, NormalizedInbound } from '../../channels/types.ts';

/** One line the app logged, parsed. */
export type Logged = { level: number; msg: string; [key: string]: unknown };

/**
 * A host that stores like the real one (unique on channel + external id: ids 1, 2 … in order of
 * first arrival) and records delivery reports; `preview` is not used. `overrides` replaces any of
 * its methods (e.g. a `recordDelivery` that throws for an adapter without delivery reports).
 */
export function recordingHost(overrides: Partial<ChannelHost> = {}) {
  const calls: NormalizedInbound[] = [];
  const stored = new Map<string, NormalizedInbound>();
  const deliveries: [string, DeliveryStatus, string | undefined][] = [];
  const nonces = new Set<string>();
  const host: ChannelHost = {
    async acceptInbound(message) {
      calls.push(message);
      const key = `${message.channel} ${message.externalId}`;
      const duplicate = stored.has(key);
      if (!duplicate) stored.set(key, message);
      return { id: [...stored.keys()].indexOf(key) + 1, duplicate };
    },
    async recordDelivery(providerId, status, error) {
      deliveries.push([providerId, status, error]);
    },
    preview: async () => { throw new Error('not used by this adapter'); },
    // within one test the window never ends: a nonce is taken once
    nonces: {
      async claim(provider, nonce) {
        const key = `${provider} ${nonce}`;
        if (nonces.has(key)) return false;
        nonces.add(key);
        return true;
      },
      async release(provider, nonce) { nonces.delete(`${provider} ${nonce}`); },
    },
    ...overrides,
  };
  return { host, calls, stored, deliveries, nonces };
}

/** An adapter's routes on a bare Fastify app under `prefix`, ready; `logs` collects the app's log lines (info and up). */
export async function mountRoutes(routes: FastifyPluginAsync<{ host: ChannelHost }>, prefix: string, host: ChannelHost): Promise<{ app: FastifyInstance; logs: Logged[] }> {
  const logs: Logged[] = [];
  const app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => logs.push(JSON.parse(line) as Logged) } } });
  await app.register(routes, { prefix, host });
  await app.ready();
  return { app, logs };
}

/** A stored message's time: the one the provider gave (ISO text), or 'now' (between `before` and now) when it gave none. */
export function expectReceivedAt(receivedAt: Date, expected: string, before: number): void {
  if (expected === 'now') {
    expect(receivedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(receivedAt.getTime()).toBeLessThanOrEqual(Date.now());
  } else {
    expect(receivedAt.toISOString()).toBe(expected);
  }
}
