import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { templates } from '../templates.ts';
import { audit } from './audit.ts';
import { dashboard } from './dashboard.ts';
import { actorOf } from './people.ts';
import { page, sendWorkbook } from './render.ts';

const DAY_MS = 86_400_000;
const query = { type: 'object', properties: { days: { type: 'integer', enum: [7, 30, 365], default: 7 }, notice: { type: 'string', maxLength: 200 } } } as const;

type Request = FastifyRequest<{ Querystring: { days: number } }>;

/** The last `days` days up to now, and their dates for people to read (China time, the villages' zone). */
function period(days: number, now = new Date()) {
  const from = new Date(now.getTime() - days * DAY_MS);
  const day = (date: Date) => date.toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
  return { from, to: now, label: { from: day(from), to: day(now) } };
}

/** 看板: a township officer's villages (a cadre's own village) — claims, waits, points, participation, items, stock, stars; and as .xlsx. */
export const dashboardRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  const figures = (request: Request) => {
    const { from, to, label } = period(request.query.days);
    return dashboard(context.db, request.consoleUser!.villages, from, to).then((rows) => ({ rows, label }));
  };

  app.get<{ Querystring: { days: number } }>('/dashboard', { schema: { querystring: query } }, async (request, reply) => {
    const { rows, label } = await figures(request);
    return page(request, reply, 'dashboard', { rows, label, days: request.query.days, starPeriods: templates.console.starPeriods });
  });

  app.get<{ Querystring: { days: number } }>('/dashboard.xlsx', { schema: { querystring: query } }, async (request, reply) => {
    const { rows, label } = await figures(request);
    await audit(context.db, { actor: actorOf(request.consoleUser!), ip: request.ip, action: 'export_dashboard', detail: { days: request.query.days } });
    return sendWorkbook(reply, `dashboard-${label.from}-${label.to}.xlsx`, await (await import('./dashboard-export.ts')).dashboardWorkbook(rows, label));
  });
};
