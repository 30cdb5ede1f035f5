import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { itemName } from '../templates.ts';
import { audit } from './audit.ts';
import { balancesOf, householdRecord, searchHouseholds } from './households.ts';
import { actorOf } from './people.ts';
import { page, sendWorkbook } from './render.ts';

const search = { type: 'object', properties: { q: { type: 'string', maxLength: 40 }, notice: { type: 'string', maxLength: 200 } } } as const;
const codeParams = { type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 40 } } } as const;

/** 农户: search by code, name or phone; a household's page with members, balance and statement. Officers read their township's. */
export const householdRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  const villageIds = (request: { consoleUser?: { villages: { id: number }[] } }) => request.consoleUser!.villages.map((v) => v.id);

  app.get<{ Querystring: { q?: string } }>('/households', { schema: { querystring: search } }, async (request, reply) => {
    const q = request.query.q?.trim() ?? '';
    const found = await searchHouseholds(context.db, villageIds(request), q);
    // htmx asks for the results alone while the person types.
    const template = request.headers['hx-request'] ? 'household-list' : 'households';
    return page(request, reply, template, { q, found });
  });

  app.get('/balances.xlsx', async (request, reply) => {
    const rows = await balancesOf(context.db, villageIds(request));
    await audit(context.db, { actor: actorOf(request.consoleUser!), ip: request.ip, action: 'export_balances' });
    return sendWorkbook(reply, 'balances.xlsx', await (await import('./dashboard-export.ts')).balancesWorkbook(rows));
  });

  app.get<{ Params: { code: string } }>('/households/:code', { schema: { params: codeParams } }, async (request, reply) => {
    const record = await householdRecord(context.db, villageIds(request), request.params.code);
    if (!record) return page(request, reply.code(404), 'message', { title: '农户', error: `没有农户 ${request.params.code}` });
    return page(request, reply, 'household', { record, itemName });
  });
};
