import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { IdempotencyConflictError } from '../idempotency.ts';
import { DeskError, redeemAtDesk, reverseAtDesk } from '../supermarket/desk.ts';
import { requireApiToken } from './api-token.ts';
import { cadrePhone, goodsCode, householdCode, printable } from './properties.ts';

const redemptionBody = {
  type: 'object',
  required: ['household', 'goods', 'cadre'],
  additionalProperties: false,
  properties: {
    household: householdCode,
    /** The goods' code in the village's catalogue (S01). */
    goods: goodsCode,
    quantity: { type: 'integer', minimum: 1, maximum: 999, default: 1 },
    /** The cadre recording it (can_redeem). */
    cadre: cadrePhone,
    /** The caller's name for this redemption: a retried call with the same key records it once and answers the same
     * (`replayed: true`); the key reused for a different request is refused (409 idempotency_conflict). */
    key: printable(100),
  },
} as const;

const reversalBody = {
  type: 'object',
  required: ['cadre'],
  additionalProperties: false,
  properties: { cadre: cadrePhone },
} as const;

const DESK_STATUS = { unknown_cadre: 404, unknown_household: 404, not_allowed: 403 } as const;

interface RedemptionRequest { household: string; goods: string; quantity: number; cadre: string; key?: string }

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
  app.post<{ Body: RedemptionRequest }>('/redemptions', { schema: { body: redemptionBody } }, async (request, reply) => {
    const { household, goods, quantity, cadre, key } = request.body;
    const result = await redeemAtDesk(context, { cadrePhone: cadre, household, goods, quantity, key: `redemption-api-${key ?? randomUUID()}` });
    if (result.ok) return reply.code(201).send(result);
    return reply.code(result.refused === 'unknown_goods' ? 404 : 409).send(result);
  });
  app.post<{ Params: { id: string }; Body: { cadre: string } }>('/redemptions/:id/reversal', { schema: { body: reversalBody } }, async (request, reply) => {
    const id = Number(request.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) return reply.code(404).send({ error: `no redemption ${request.params.id}` });
    const result = await reverseAtDesk(context, request.body.cadre, id);
    return reply.code(result.ok ? 200 : 404).send(result);
  });
};
