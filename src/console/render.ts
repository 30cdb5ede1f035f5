import type { FastifyReply, FastifyRequest } from 'fastify';

/** Renders a console page inside the layout, with the person signed in, a CSRF token for its forms and a notice. */
export async function page(request: FastifyRequest, reply: FastifyReply, template: string, data: Record<string, unknown> = {}) {
  const notice = (request.query as { notice?: string } | undefined)?.notice;
  const csrfToken = reply.generateCsrf();
  return reply.type('text/html; charset=utf-8').view(template, { user: request.consoleUser, csrfToken, notice, ...data });
}

/** Back to a page with a notice for the person (a PRG redirect: reloading does not submit again). */
export const backTo = (reply: FastifyReply, url: string, notice?: string) =>
  reply.redirect(notice ? `${url}${url.includes('?') ? '&' : '?'}notice=${encodeURIComponent(notice)}` : url, 303);

/** An Excel workbook as a download. */
export const sendWorkbook = (reply: FastifyReply, filename: string, workbook: Buffer) =>
  reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .header('content-disposition', `attachment; filename="${filename}"`).send(workbook);

/** A page saying why the request was refused (not found, forbidden, a bad period), with that status. */
export const refused = (request: FastifyRequest, reply: FastifyReply, title: string, why: { status: number; error: string }) =>
  page(request, reply.code(why.status), 'message', { title, error: why.error });
