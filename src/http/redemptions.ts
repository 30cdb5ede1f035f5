import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { IdempotencyConflictError } from '../idempotency.ts';
import { DeskError, redeemAtDesk, reverseAtDesk } from '../supermarket/desk.ts';
import { requireApiToken } from './api-token.ts';
import { Type, type Static } from 'typebox';
import { cadrePhone, ErrorReply, goodsCode, householdCode, printable } from './properties.ts';

const redemptionBody = Type.Object({
  household: householdCode,
  goods: goodsCode,
  quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 999, default: 1 })),
  cadre: Type.String({ ...cadrePhone, description: 'the cadre recording it (can_redeem)' }),
  key: Type.Optional(printable(100, 'the caller\'s name for this redemption: a retried call with the same key records it once and answers the same (`replayed: true`); the key reused for a different request is refused (409 idempotency_conflict)')),
}, { additionalProperties: false });

const reversalBody = Type.Object({ cadre: cadrePhone }, { additionalProperties: false });
const reversalParams = Type.Object({ id: Type.String({ maxLength: 20 }) });

const tags = ['supermarket'];
const security = [{ bearer: [] }];

const DESK_STATUS = { unknown_cadre: 404, unknown_household: 404, not_allowed: 403 } as const;

type RedemptionRequest = Static<typeof redemptionBody> & { quantity: number };

/**
 * POST /api/redemptions (as `jifen redeem`): 201 with the redemption and the new balance, 409 with
 * the reason when stock or points do not suffice or the key named another request (nothing changed). POST /api/redemptions/:id/reversal
 * undoes one (idempotent: 200 again, `replayed: true`).
 */
export const redemptionRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  requireApiToken(app, context);
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof DeskError) return reply.code(DESK_STATUS[error.reason]).send({ error: error.message });
    if (error instanceof IdempotencyConflictError) return reply.code(409).send({ ok: false, refused: error.code, reason: error.message });
    return reply.send(error);
  });
  app.post<{ Body: RedemptionRequest }>('/redemptions', {
    schema: { tags, security, summary: '兑换: record a redemption (as `jifen redeem`)', body: redemptionBody, response: { 401: ErrorReply, 403: ErrorReply } },
  }, async (request, reply) => {
    const { household, goods, quantity, cadre, key } = request.body;
    const result = await redeemAtDesk(context, { cadrePhone: cadre, household, lines: [{ code: goods, quantity }], key: `redemption-api-${key ?? randomUUID()}` });
    if (result.ok) return reply.code(201).send(result);
    return reply.code(result.refused === 'unknown_goods' ? 404 : 409).send(result);
  });
  app.post<{ Params: { id: string }; Body: { cadre: string } }>('/redemptions/:id/reversal', {
    schema: { tags, security, summary: 'undo a redemption: points back, stock restored (idempotent)', params: reversalParams, body: reversalBody },
  }, async (request, reply) => {
    const id = Number(request.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) return reply.code(404).send({ error: `no redemption ${request.params.id}` });
    const result = await reverseAtDesk(context, request.body.cadre, id);
    return reply.code(result.ok ? 200 : 404).send(result);
  });
};
