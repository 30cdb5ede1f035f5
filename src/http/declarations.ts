import type { FastifyPluginAsync } from 'fastify';
import { declareOrally, UnknownPartyError } from '../claims/declare.ts';
import type { Context } from '../context.ts';
import { requireApiToken } from './api-token.ts';
import { cadrePhone, householdCode } from './properties.ts';

const body = {
  type: 'object',
  required: ['household', 'text', 'cadre'],
  additionalProperties: false,
  properties: {
    household: householdCode,
    text: { type: 'string', minLength: 1, maxLength: 500 },
    cadre: cadrePhone,
  },
} as const;

/** POST /api/declarations: 口头申报 over HTTP (for a township system or a cadre's tool), as `jifen declare`. */
export const declarationRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  requireApiToken(app, context);
  app.post<{ Body: { household: string; text: string; cadre: string } }>('/declarations', { schema: { body } }, async (request, reply) => {
    try {
      const { messageId } = await declareOrally(context, { household: request.body.household, text: request.body.text, cadrePhone: request.body.cadre });
      return reply.code(202).send({ messageId });
    } catch (error) {
      if (error instanceof UnknownPartyError) return reply.code(404).send({ error: error.message });
      throw error;
    }
  });
};
