import multipart from '@fastify/multipart';
import type { FastifyPluginAsync } from 'fastify';
import { consoleTexts } from './people.ts';
import type { Context } from '../context.ts';
import { audit } from './audit.ts';
import { page, sendWorkbook } from './render.ts';

/** Excel (exceljs, ~0.5 s to load) is loaded on the first roster request, not at start-up. */
const roster = () => import('../village/roster.ts');

/** A roster is a few hundred rows: a small upload, one file. */
const UPLOAD_LIMITS = { fileSize: 2 * 1024 * 1024, files: 1, fields: 4 };

interface RosterForm { mode?: string; file?: Buffer }

/** 花名册导入: a cadre who approves checks an Excel roster (nothing written), then imports it; importing it again changes nothing. */
export const rosterRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  // Fields and the file land on the body, so the CSRF check reads _csrf as from any form.
  await app.register(multipart, { attachFieldsToBody: 'keyValues', limits: UPLOAD_LIMITS });
  app.addHook('preHandler', async (request, reply) => {
    const user = request.consoleUser!;
    if (user.kind !== 'cadre' || !user.cadre.canApprove) return page(request, reply.code(403), 'message', { title: '花名册导入', error: consoleTexts(user).console.notApprover() });
  });

  app.get('/roster', async (request, reply) => page(request, reply, 'roster'));
  app.get('/roster/template.xlsx', async (_request, reply) => sendWorkbook(reply, 'roster-template.xlsx', await (await roster()).rosterTemplate()));

  app.post<{ Body: RosterForm }>('/roster', async (request, reply) => {
    const user = request.consoleUser!;
    if (user.kind !== 'cadre') return reply.code(403).send();
    const { mode, file } = request.body ?? {};
    if (!Buffer.isBuffer(file) || file.length === 0) return page(request, reply.code(400), 'roster', { error: consoleTexts(user).roster.notWorkbook() });
    const result = await (await roster()).importRoster(context.db, user.cadre.village, file, mode !== 'import');
    if (result.kind === 'problems') {
      return page(request, reply.code(422), 'roster', { error: consoleTexts(user).roster.hasProblems(result.problems.length), problems: result.problems });
    }
    if (result.kind === 'imported') {
      await audit(context.db, { actor: `cadre:${user.cadre.id}`, ip: request.ip, action: 'roster_import', detail: { households: result.households, members: result.members } });
    }
    const notice = consoleTexts(user).roster[result.kind](result.households, result.members);
    return page(request, reply, 'roster', { notice });
  });
};
