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
  },
} as const;

interface Query { village?: string; from?: string; to?: string; direction?: '' | 'in' | 'out'; channel?: string; status?: '' | OutboundStatus; household?: string }

/** 消息: the village's message log, inbound and outbound, with delivery status; filtered by channel, status, days and household. */
export const messageRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.get<{ Querystring: Query }>('/messages', { schema: { querystring: query } }, async (request, reply) => {
    const found = villagePeriod(request.consoleUser!, request.query);
    if ('error' in found) return refused(request, reply, '消息', found);
    const { direction, channel, status, household } = request.query;
    const filter = { direction: direction || undefined, channel: channel || undefined, status: status || undefined, household: household?.trim() || undefined };
    const lines = await messageLog(context.db, found.village, { period: found.period, ...filter });
    return page(request, reply, 'messages', { ...found, filter, lines, channels: CHANNELS, statuses: OUTBOUND_STATUSES, statusNames: templates.console.messageNames });
  });
};
