import type { FastifyPluginAsync } from 'fastify';
import { declareOrally, UnknownPartyError } from '../claims/declare.ts';
import type { Context } from '../context.ts';
import { requireApiToken } from './api-token.ts';
import { Type, type Static } from 'typebox';
import { cadrePhone, ErrorReply, householdCode } from './properties.ts';

const body = Type.Object({
  household: householdCode,
  text: Type.String({ minLength: 1, maxLength: 500, description: 'what the villager declared, as the cadre heard it' }),
  cadre: cadrePhone,
}, { additionalProperties: false });

const schema = {
  tags: ['declarations'],
  summary: '口头申报: record a claim a villager declared in person (as `jifen declare`)',
  security: [{ bearer: [] }],
  body,
  response: {
    202: Type.Object({
      messageId: Type.Optional(Type.Integer()),
      spooled: Type.Optional(Type.Literal(true, { description: 'PostgreSQL is unreachable: kept in the spool, checked and stored when it is back (no message id yet)' })),
    }),
    404: ErrorReply,
  },
};

/** POST /api/declarations: 口头申报 over HTTP (for a township system or a cadre's tool), as `jifen declare`. */
export const declarationRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  requireApiToken(app, context);
  app.post<{ Body: Static<typeof body> }>('/declarations', { schema }, async (request, reply) => {
    try {
      const declared = await declareOrally(context, { household: request.body.household, text: request.body.text, cadrePhone: request.body.cadre });
      return reply.code(202).send(declared);
    } catch (error) {
      if (error instanceof UnknownPartyError) return reply.code(404).send({ error: error.message });
      throw error;
    }
  });
};
