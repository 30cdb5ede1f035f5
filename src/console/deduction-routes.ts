import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { itemName, templates } from '../templates.ts';
import { decideDeductionFromConsole, deductionItems, deductionList, recordDeductionFromConsole, type ConsoleVerdict } from './deductions.ts';
import { backTo, page, refused } from './render.ts';
import { VILLAGE, villageOf } from './scope.ts';

const query = { type: 'object', properties: { village: VILLAGE, notice: { type: 'string', maxLength: 200 } } } as const;
const referenceParams = { type: 'object', required: ['reference'], properties: { reference: { type: 'integer', minimum: 1000, maximum: 9999 } } } as const;
const decisionBody = {
  type: 'object', required: ['verdict'],
  properties: {
    verdict: { type: 'string', enum: ['uphold', 'revoke', 'change'] },
    rule: { type: 'string', maxLength: 20 },
    points: { anyOf: [{ type: 'string', pattern: '^$' }, { type: 'integer', minimum: 0, maximum: 1000 }] },
    reason: { type: 'string', maxLength: 200 },
    _csrf: { type: 'string' },
  },
} as const;

const recordBody = {
  type: 'object', required: ['household', 'rule', 'key'],
  properties: { household: { type: 'string', minLength: 1, maxLength: 40 }, rule: { type: 'string', maxLength: 20 }, key: { type: 'string', minLength: 8, maxLength: 64 }, _csrf: { type: 'string' } },
} as const;

type DecisionForm = Pick<ConsoleVerdict, 'verdict' | 'rule' | 'reason'> & { points?: number | '' };

/** 扣分与申诉: the village's deductions and appeals; a cadre who can approve upholds, revokes or changes one, as 维持/撤销/改 by SMS. */
export const deductionRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.get<{ Querystring: { village?: string } }>('/deductions', { schema: { querystring: query } }, async (request, reply) => {
    const user = request.consoleUser!;
    const village = villageOf(user, request.query.village);
    if (!village) return refused(request, reply, '扣分与申诉', { status: 404, error: templates.console.noVillage(request.query.village ?? '') });
    const canDecide = user.kind === 'cadre' && user.cadre.canApprove;
    return page(request, reply, 'deductions', {
      village, canDecide, lines: await deductionList(context.db, village), items: canDecide ? await deductionItems(context.db, village) : [],
      itemName, states: templates.console.deductionStates, key: randomUUID(),
    });
  });

  app.post<{ Body: { household: string; rule: string; key: string } }>('/deductions', { schema: { body: recordBody } }, async (request, reply) => {
    const user = request.consoleUser!;
    if (user.kind !== 'cadre' || !user.cadre.canApprove) return reply.code(403).send({ error: templates.deduction.notAllowed() });
    const { household, rule, key } = request.body;
    const answer = await recordDeductionFromConsole(context, user.cadre, { household: household.trim().toUpperCase(), rule, key, ip: request.ip });
    return backTo(reply, '/console/deductions', answer.text);
  });

  app.post<{ Params: { reference: number }; Body: DecisionForm }>('/deductions/:reference', { schema: { params: referenceParams, body: decisionBody } }, async (request, reply) => {
    const user = request.consoleUser!;
    if (user.kind !== 'cadre' || !user.cadre.canApprove) return reply.code(403).send({ error: templates.console.notApprover() });
    const { verdict, rule, points, reason } = request.body;
    const change = { rule: rule || undefined, points: points === '' ? undefined : points };
    if (verdict === 'change' && change.rule === undefined && change.points === undefined) return backTo(reply, '/console/deductions', templates.console.changeNeeds());
    const answer = await decideDeductionFromConsole(context, user.cadre, {
      reference: request.params.reference, verdict, ...(verdict === 'change' ? change : {}), reason: reason?.trim() || undefined, ip: request.ip,
    });
    return backTo(reply, '/console/deductions', answer.text);
  });
};
