import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { publicityList } from '../reviews/publicity-list.ts';
import { publicityPdf } from '../reviews/publicity-pdf.ts';
import { publicityCells } from '../reviews/publicity-html.ts';
import { templates } from '../templates.ts';
import { audit } from './audit.ts';
import { actorOf } from './people.ts';
import { page, refused } from './render.ts';
import { villagePeriod, villagePeriodQuery, type VillagePeriodQuery } from './scope.ts';

/** 公示: the village's publicity list for a period, to read, print (its print stylesheet) or download as the notice board's PDF. */
export const publicityPageRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.get<{ Querystring: VillagePeriodQuery }>('/publicity', { schema: { querystring: villagePeriodQuery } }, async (request, reply) => {
    const found = villagePeriod(request.consoleUser!, request.query);
    if ('error' in found) return refused(request, reply, '公示', found);
    const list = (await publicityList(context.db, found.village.code, found.period))!;
    return page(request, reply, 'publicity', { ...found, list, sheet: templates.publicity.sheet, rows: list.rows.map(publicityCells) });
  });

  app.get<{ Querystring: VillagePeriodQuery }>('/publicity.pdf', { schema: { querystring: villagePeriodQuery } }, async (request, reply) => {
    const found = villagePeriod(request.consoleUser!, request.query);
    if ('error' in found) return refused(request, reply, '公示', found);
    const { village, period } = found;
    const list = (await publicityList(context.db, village.code, period))!;
    await audit(context.db, { actor: actorOf(request.consoleUser!), ip: request.ip, action: 'print_publicity', detail: { village: village.code, ...period } });
    return reply.type('application/pdf').header('content-disposition', `inline; filename="publicity-${village.code}-${period.from}-${period.to}.pdf"`)
      .send(await publicityPdf(list));
  });
};
