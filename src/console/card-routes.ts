import type { FastifyPluginAsync } from 'fastify';
import { and, eq } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { households } from '../db/schema/index.ts';
import { itemName } from '../templates.ts';
import { audit } from './audit.ts';
import { cardStatement, issueCards, revokeCards } from './cards.ts';
import type { ConsoleUser } from './people.ts';
import { backTo, page } from './render.ts';

const tokenParams = { type: 'object', required: ['token'], properties: { token: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } } } as const;
const cardsBody = { type: 'object', properties: { household: { type: 'string', maxLength: 40 }, _csrf: { type: 'string' } } } as const;

type Cadre = Extract<ConsoleUser, { kind: 'cadre' }>['cadre'];

/** Household cards: a cadre prints them (new tokens, the old ones revoked) or revokes a household's; the QR opens a read-only 查分 page. */
export const cardRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  const cadreOf = (user: ConsoleUser): Cadre | undefined => (user.kind === 'cadre' ? user.cadre : undefined);
  const villageHouseholds = (cadre: Cadre, code?: string) => context.db.select().from(households)
    .where(and(eq(households.villageId, cadre.villageId), code ? eq(households.code, code) : undefined)).orderBy(households.code);

  app.post<{ Body: { household?: string } }>('/cards.pdf', { schema: { body: cardsBody } }, async (request, reply) => {
    const cadre = cadreOf(request.consoleUser!);
    if (!cadre) return reply.code(403).send({ error: 'cadres only' });
    const list = await villageHouseholds(cadre, request.body.household || undefined);
    if (list.length === 0) return reply.code(404).send({ error: 'no such household' });
    const cards = await issueCards(context.db, list);
    await audit(context.db, { actor: `cadre:${cadre.id}`, ip: request.ip, action: 'print_cards', detail: { households: list.map((h) => h.code) } });
    const { cardsPdf } = await import('./cards-pdf.ts'); // pdfkit loads on the first cards asked for
    const pdf = await cardsPdf(cadre.village, cards.map((c) => ({ household: c.household, url: `${context.config.publicUrl}/console/q/${c.token}` })));
    return reply.type('application/pdf').header('content-disposition', `attachment; filename="cards-${cadre.village.code}.pdf"`).send(pdf);
  });

  app.post<{ Params: { code: string } }>('/households/:code/cards/revoke', async (request, reply) => {
    const cadre = cadreOf(request.consoleUser!);
    const [household] = cadre ? await villageHouseholds(cadre, request.params.code) : [];
    if (!cadre || !household) return reply.code(404).send({ error: 'no such household' });
    await revokeCards(context.db, household.id);
    await audit(context.db, { actor: `cadre:${cadre.id}`, ip: request.ip, action: 'revoke_cards', detail: { household: household.code } });
    return backTo(reply, `/console/households/${household.code}`, '积分卡已作废，请重新打印');
  });

  app.get<{ Params: { token: string } }>('/q/:token', { config: { anonymous: true }, schema: { params: tokenParams } }, async (request, reply) => {
    const statement = await cardStatement(context.db, request.params.token);
    if (!statement) return page(request, reply.code(404), 'message', { title: '查分', error: '这张积分卡已作废或不存在，请向村委会领取新卡' });
    return page(request, reply, 'card', { statement, itemName });
  });
};
