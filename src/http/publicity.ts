import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { publicityHtml } from '../reviews/publicity-html.ts';
import { PeriodError, publicityList } from '../reviews/publicity-list.ts';

const DAY = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const params = { type: 'object', required: ['code'], properties: { code: { type: 'string', minLength: 1, maxLength: 40 } } } as const;
const querystring = { type: 'object', additionalProperties: false, properties: { from: DAY, to: DAY } } as const;

const tags = ['publicity'];

type Request = { Params: { code: string }; Querystring: { from?: string; to?: string } };

/**
 * GET /villages/:code/publicity (HTML) and /villages/:code/publicity.pdf (A4): the village's
 * publicity list (公示) for a period, `from` and `to` as YYYY-MM-DD in village time (default: the last
 * 30 days). Public on purpose: it is what the notice board shows.
 */
export const publicityRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof PeriodError) return reply.code(400).send({ error: error.message });
    throw error;
  });
  const load = async (request: { params: Request['Params']; query: Request['Querystring'] }) => publicityList(context.db, request.params.code, request.query);
  app.get<Request>('/villages/:code/publicity', { schema: { tags, summary: '公示: the publicity list as HTML (public)', params, querystring } }, async (request, reply) => {
    const list = await load(request);
    if (!list) return reply.code(404).send({ error: `no village ${request.params.code}` });
    return reply.type('text/html; charset=utf-8').send(publicityHtml(list));
  });
  app.get<Request>('/villages/:code/publicity.pdf', { schema: { tags, summary: '公示: the publicity list as an A4 PDF (public)', params, querystring } }, async (request, reply) => {
    const list = await load(request);
    if (!list) return reply.code(404).send({ error: `no village ${request.params.code}` });
    return reply.type('application/pdf').header('content-disposition', `inline; filename="publicity-${list.village.code}-${list.from}-${list.to}.pdf"`)
      .send(await (await import('../reviews/publicity-pdf.ts')).publicityPdf(list)); // pdfkit loads on the first PDF asked for
  });
};
