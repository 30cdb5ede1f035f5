import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import type { OutboundStatus } from '../db/schema/index.ts';
import { templates } from '../templates.ts';
import { messageLog, OUTBOUND_STATUSES } from './message-log.ts';
import { page, refused } from './render.ts';
import { DAY, VILLAGE, villagePeriod } from './scope.ts';

const CHANNELS = ['sms', 'wechat', 'qq', 'voice', 'cli', 'console'];
const query = {
  type: 'object',
  properties: {
    village: VILLAGE, from: DAY, to: DAY,
    direction: { type: 'string', enum: ['', 'in', 'out'] },
    channel: { type: 'string', enum: ['', ...CHANNELS] },
    status: { type: 'string', enum: ['', ...OUTBOUND_STATUSES] },
    household: { type: 'string', maxLength: 40 },
    olderIn: { type: 'integer', minimum: 1 },
    olderOut: { type: 'integer', minimum: 1 },
  },
} as const;

interface Query { village?: string; from?: string; to?: string; direction?: '' | 'in' | 'out'; channel?: string; status?: '' | OutboundStatus; household?: string; olderIn?: number; olderOut?: number }

/** 消息: the village's message log, inbound and outbound, with delivery status; filtered by channel, status, days and household; paged to older. */
export const messageRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.get<{ Querystring: Query }>('/messages', { schema: { querystring: query } }, async (request, reply) => {
    const found = villagePeriod(request.consoleUser!, request.query);
    if ('error' in found) return refused(request, reply, '消息', found);
    const { direction, channel, status, household } = request.query;
    const filter = { direction: direction || undefined, channel: channel || undefined, status: status || undefined, household: household?.trim() || undefined };
    const { olderIn, olderOut } = request.query;
    const { lines, older } = await messageLog(context.db, found.village, { period: found.period, ...filter }, { inbound: olderIn, outbound: olderOut });
    const olderUrl = older && `/console/messages?${new URLSearchParams(Object.entries({ ...request.query, olderIn: older.inbound, olderOut: older.outbound })
      .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '').map(([key, value]) => [key, String(value)]))}`;
    return page(request, reply, 'messages', { ...found, filter, lines, olderUrl, channels: CHANNELS, statuses: OUTBOUND_STATUSES, statusNames: templates.console.messageNames });
  });
};
