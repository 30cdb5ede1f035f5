import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { publicityList } from '../reviews/publicity-list.ts';
import { audit } from './audit.ts';
import { ledgerOfPeriod, ledgerWorkbook, publicityWorkbook } from './ledger-export.ts';
import { actorOf } from './people.ts';
import { page, refused, sendWorkbook } from './render.ts';
import { villagePeriod, villagePeriodQuery, type VillagePeriodQuery } from './scope.ts';

/** 导出: the ledger of a period and the publicity list as .xlsx (balances and the dashboard have their own links). */
export const exportRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.get<{ Querystring: VillagePeriodQuery }>('/exports', { schema: { querystring: villagePeriodQuery } }, async (request, reply) => {
    const found = villagePeriod(request.consoleUser!, request.query);
    if ('error' in found) return refused(request, reply, '导出', found);
    return page(request, reply, 'exports', found);
  });

  app.get<{ Querystring: VillagePeriodQuery }>('/ledger.xlsx', { schema: { querystring: villagePeriodQuery } }, async (request, reply) => {
    const found = villagePeriod(request.consoleUser!, request.query);
    if ('error' in found) return refused(request, reply, '导出', found);
    const { village, period } = found;
    const lines = await ledgerOfPeriod(context.db, village, period);
    await audit(context.db, { actor: actorOf(request.consoleUser!), ip: request.ip, action: 'export_ledger', detail: { village: village.code, ...period } });
    return sendWorkbook(reply, `ledger-${village.code}-${period.from}-${period.to}.xlsx`, await ledgerWorkbook(village, period, lines));
  });

  app.get<{ Querystring: VillagePeriodQuery }>('/publicity.xlsx', { schema: { querystring: villagePeriodQuery } }, async (request, reply) => {
    const found = villagePeriod(request.consoleUser!, request.query);
    if ('error' in found) return refused(request, reply, '导出', found);
    const { village, period } = found;
    const list = (await publicityList(context.db, village.code, period))!;
    await audit(context.db, { actor: actorOf(request.consoleUser!), ip: request.ip, action: 'export_publicity', detail: { village: village.code, ...period } });
    return sendWorkbook(reply, `publicity-${village.code}-${period.from}-${period.to}.xlsx`, await publicityWorkbook(list));
  });
};
