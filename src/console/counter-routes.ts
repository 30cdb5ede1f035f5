import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { IdempotencyConflictError } from '../idempotency.ts';
import type { KnownCadre } from '../directory.ts';
import { DeskError } from '../supermarket/desk.ts';
import { cardHolder, tokenOfCard } from './cards.ts';
import { householdRecord, searchHouseholds } from './households.ts';
import { goodsOf, pickedLines, priceOf, receipt, redeemAtCounter, restock, reverseAtCounter } from './counter.ts';
import { backTo, page } from './render.ts';
import { templates } from '../templates.ts';
import { LOW_STOCK_THRESHOLD } from '../weekly/cadre-summary.ts';
import type { ConsoleUser } from './people.ts';

const codeParams = { type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 40 } } } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const search = { type: 'object', properties: { q: { type: 'string', maxLength: 40 }, card: { type: 'string', maxLength: 300 }, notice: { type: 'string', maxLength: 200 } } } as const;
const redeemBody = {
  type: 'object', required: ['key'],
  properties: { key: { type: 'string', minLength: 8, maxLength: 64 }, _csrf: { type: 'string' } },
  patternProperties: { '^qty_': { type: 'string', pattern: '^\\d{0,2}$' } },
} as const;
const stockBody = { type: 'object', required: ['stock'], properties: { stock: { type: 'integer', minimum: 0, maximum: 100_000 }, _csrf: { type: 'string' } } } as const;

/** The cadre at the counter (the preHandler let only one with can_redeem through). */
const redeemer = (request: FastifyRequest) => (request.consoleUser as Extract<ConsoleUser, { kind: 'cadre' }>).cadre;

/** 兑换台: find the household, pick goods, see the balance after, confirm once; receipts, reversal and stock. */
export const counterRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.addHook('preHandler', async (request, reply) => {
    const user = request.consoleUser!;
    if (user.kind !== 'cadre' || !user.cadre.canRedeem) return page(request, reply.code(403), 'message', { title: '兑换台', error: templates.console.notRedeemer() });
  });
  app.get<{ Querystring: { q?: string; card?: string } }>('/counter', { schema: { querystring: search } }, async (request, reply) => {
    const cadre = redeemer(request);
    // A scanned household card: its QR holds the 查分 link, whose token names the household.
    if (request.query.card !== undefined) {
      const holder = await cardHolder(context.db, tokenOfCard(request.query.card));
      if (holder?.household.villageId !== cadre.villageId) return page(request, reply.code(404), 'counter-find', { q: '', found: [], error: templates.console.unknownCard() });
      return reply.redirect(`/console/counter/${encodeURIComponent(holder.household.code)}`, 303);
    }
    const q = request.query.q?.trim() ?? '';
    const found = q ? await searchHouseholds(context.db, [cadre.villageId], q) : [];
    return page(request, reply, 'counter-find', { q, found, linkTo: '/console/counter/' });
  });

  const counterPage = async (request: FastifyRequest, reply: FastifyReply, cadre: KnownCadre, code: string, extra: Record<string, unknown> = {}) => {
    const record = await householdRecord(context.db, [cadre.villageId], code);
    if (!record) return page(request, reply.code(404), 'message', { title: '兑换台', error: `没有农户 ${code}` });
    return page(request, reply, 'counter', { record, goods: await goodsOf(context, cadre.villageId), key: randomUUID(), ...extra });
  };

  app.get<{ Params: { code: string } }>('/counter/:code', { schema: { params: codeParams } }, async (request, reply) => {
    return counterPage(request, reply, redeemer(request), request.params.code);
  });

  // htmx: the total and the balance after, while goods are picked.
  app.get<{ Params: { code: string }; Querystring: Record<string, string> }>('/counter/:code/preview', { schema: { params: codeParams } }, async (request, reply) => {
    const cadre = redeemer(request);
    const record = await householdRecord(context.db, [cadre.villageId], request.params.code);
    if (!record) return reply.code(404).send();
    const goods = await goodsOf(context, cadre.villageId);
    return reply.view('counter-total', { ...priceOf(goods, pickedLines(goods, request.query), record.account.balance), balance: record.account.balance });
  });

  app.post<{ Params: { code: string }; Body: Record<string, string> & { key: string } }>('/counter/:code', { schema: { params: codeParams, body: redeemBody } }, async (request, reply) => {
    const cadre = redeemer(request);
    const lines = pickedLines(await goodsOf(context, cadre.villageId), request.body);
    if (lines.length === 0) return counterPage(request, reply.code(400), cadre, request.params.code, { error: templates.console.nothingPicked() });
    const result = await redeemAtCounter(context, cadre, request.params.code, lines, request.body.key, request.ip).catch((error: unknown) => {
      if (error instanceof IdempotencyConflictError) return { kind: 'refused' as const, reason: templates.console.formReused() };
      if (error instanceof DeskError) return { kind: 'refused' as const, reason: error.message };
      throw error;
    });
    if (result.kind === 'refused') return counterPage(request, reply.code(409), cadre, request.params.code, { error: result.reason });
    return reply.redirect(`/console/redemptions/${result.id}`, 303);
  });

  app.get<{ Params: { id: number } }>('/redemptions/:id', { schema: { params: idParams } }, async (request, reply) => {
    const cadre = redeemer(request);
    const found = await receipt(context, cadre.villageId, request.params.id);
    if (!found) return page(request, reply.code(404), 'message', { title: '兑换回执', error: templates.reversal.unknown(request.params.id) });
    return page(request, reply, 'receipt', { ...found, village: cadre.village });
  });

  app.post<{ Params: { id: number } }>('/redemptions/:id/reversal', { schema: { params: idParams } }, async (request, reply) => {
    const cadre = redeemer(request);
    const result = await reverseAtCounter(context, cadre, request.params.id, request.ip);
    if (result.kind === 'unknown') return page(request, reply.code(404), 'message', { title: '兑换回执', error: templates.reversal.unknown(request.params.id) });
    return backTo(reply, `/console/redemptions/${request.params.id}`, templates.console.reversed(request.params.id, result.redemption.points, result.balance!));
  });

  app.get('/stock', async (request, reply) => {
    const goods = await goodsOf(context, redeemer(request).villageId);
    return page(request, reply, 'stock', { goods, lowStock: LOW_STOCK_THRESHOLD });
  });

  app.post<{ Params: { code: string }; Body: { stock: number } }>('/stock/:code', { schema: { params: codeParams, body: stockBody } }, async (request, reply) => {
    const cadre = redeemer(request);
    const item = await restock(context, cadre, request.params.code, request.body.stock, request.ip);
    if (!item) return page(request, reply.code(404), 'message', { title: '库存', error: `没有商品 ${request.params.code}` });
    return backTo(reply, '/console/stock', templates.console.restocked(item.name, request.body.stock));
  });
};
