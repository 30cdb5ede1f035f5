import type { FastifyPluginAsync } from 'fastify';
import { consoleTexts } from './people.ts';
import type { Context } from '../context.ts';
import { itemName } from '../templates.ts';
import { backTo, page } from './render.ts';
import { decideFromConsole, reviewQueue } from './review-queue.ts';

const decisionBody = {
  type: 'object', required: ['verdict'],
  properties: {
    verdict: { type: 'string', enum: ['approved', 'rejected'] },
    claim: { type: 'array', items: { type: 'integer', minimum: 1 }, maxItems: 50 },
    reason: { type: 'string', maxLength: 200 },
    _csrf: { type: 'string' },
  },
} as const;

interface DecisionForm { verdict: 'approved' | 'rejected'; claim?: number[]; reason?: string }

/** 待审: the queue of claims waiting for the cadre; approve, reject with a reason, or approve several at once. */
export const reviewRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.get('/review', async (request, reply) => {
    const user = request.consoleUser!;
    if (user.kind !== 'cadre' || !user.cadre.canApprove) return page(request, reply.code(403), 'message', { title: '待审', error: consoleTexts(user).console.notApprover() });
    return page(request, reply, 'review', { queue: await reviewQueue(context, user.cadre), itemName });
  });

  app.post<{ Body: DecisionForm }>('/review', { schema: { body: decisionBody } }, async (request, reply) => {
    const user = request.consoleUser!;
    if (user.kind !== 'cadre' || !user.cadre.canApprove) return reply.code(403).send({ error: consoleTexts(user).console.notApprover() });
    const { verdict, claim, reason } = request.body;
    const claimIds = claim ?? [];
    if (verdict === 'rejected' && !reason?.trim()) return backTo(reply, '/console/review', consoleTexts(user).console.needReason());
    const tally = await decideFromConsole(context, user.cadre, { claimIds, verdict, reason: reason?.trim() || undefined, ip: request.ip });
    const notice = verdict === 'approved' ? consoleTexts(user).console.decided(tally.approved, tally.firstApprovals, tally.refused)
      : consoleTexts(user).console.rejectedCount(tally.rejected);
    return backTo(reply, '/console/review', notice);
  });
};
