import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { mobileNumber } from '../messages/one-time-codes.ts';
import { templates } from '../templates.ts';
import { audit } from './audit.ts';
import { actorOf } from './people.ts';
import { page } from './render.ts';
import { requestSignInCode, SESSION_COOKIE, SESSION_HOURS, signIn, signOut } from './sign-in.ts';

const phoneBody = {
  type: 'object', required: ['phone'],
  properties: { phone: { type: 'string', maxLength: 20 }, _csrf: { type: 'string' } },
} as const;
const codeBody = {
  type: 'object', required: ['phone', 'code'],
  properties: { phone: { type: 'string', maxLength: 20 }, code: { type: 'string', maxLength: 10 }, _csrf: { type: 'string' } },
} as const;

const anonymous = { config: { anonymous: true } };

/** Sign-in in two steps (phone, then the code it receives) and sign-out. */
export const signInRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.get('/sign-in', anonymous, (request, reply) => page(request, reply, 'sign-in', { step: 'phone' }));

  app.post<{ Body: { phone: string } }>('/sign-in/code', { ...anonymous, schema: { body: phoneBody } }, async (request, reply) => {
    const phone = mobileNumber(request.body.phone.trim());
    if (!phone) return page(request, reply.code(400), 'sign-in', { step: 'phone', error: templates.console.notPhone() });
    const result = await requestSignInCode(context, phone, request.ip);
    if (result.kind === 'too_many') return page(request, reply.code(429), 'sign-in', { step: 'phone', error: templates.console.tooMany() });
    return page(request, reply, 'sign-in', { step: 'code', phone, info: templates.console.codeSent(result.masked) });
  });

  app.post<{ Body: { phone: string; code: string } }>('/sign-in', { ...anonymous, schema: { body: codeBody } }, async (request, reply) => {
    const phone = mobileNumber(request.body.phone.trim());
    const result = phone ? await signIn(context, phone, request.body.code.trim(), request.ip) : { kind: 'expired' as const };
    if (result.kind === 'wrong') return page(request, reply.code(401), 'sign-in', { step: 'code', phone, error: templates.console.wrongCode(result.left) });
    if (result.kind === 'expired') return page(request, reply.code(401), 'sign-in', { step: 'phone', error: templates.console.codeExpired() });
    reply.setCookie(SESSION_COOKIE, result.token, { path: '/console', httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: SESSION_HOURS * 3600 });
    return reply.redirect('/console', 303);
  });

  app.post('/sign-out', async (request, reply) => {
    await signOut(context, request.cookies[SESSION_COOKIE]!);
    await audit(context.db, { actor: actorOf(request.consoleUser!), ip: request.ip, action: 'signed_out' });
    reply.clearCookie(SESSION_COOKIE, { path: '/console' });
    return reply.redirect(`/console/sign-in?notice=${encodeURIComponent(templates.console.signedOut())}`, 303);
  });
};
