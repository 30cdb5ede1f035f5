import path from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { packageRoot } from '../package-root.ts';
import type { ConsoleUser } from './people.ts';
import { cardRoutes } from './card-routes.ts';
import { counterRoutes } from './counter-routes.ts';
import { dashboardRoutes } from './dashboard-routes.ts';
import { deductionRoutes } from './deduction-routes.ts';
import { exportRoutes } from './export-routes.ts';
import { householdRoutes } from './household-routes.ts';
import { messageRoutes } from './message-routes.ts';
import { publicityPageRoutes } from './publicity-page-routes.ts';
import { reviewRoutes } from './review-routes.ts';
import { rosterRoutes } from './roster-routes.ts';
import { SESSION_COOKIE, sessionUser } from './sign-in.ts';
import { signInRoutes } from './sign-in-routes.ts';
import { weeklyRoutes } from './weekly-routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    consoleUser?: ConsoleUser;
  }
  interface FastifyContextConfig {
    /** Served without a session (the sign-in pages). */
    anonymous?: boolean;
  }
}

// From the package root: the compiled console (dist/) has no copy of its templates and stylesheet.
const VIEWS = path.join(packageRoot, 'src/console/views');
const ASSETS = path.join(packageRoot, 'src/console/assets');
const HTMX = path.dirname(new URL(import.meta.resolve('htmx.org')).pathname);
const ECHARTS = path.resolve(path.dirname(new URL(import.meta.resolve('echarts')).pathname), 'dist');
const JSQR = path.resolve(path.dirname(new URL(import.meta.resolve('jsqr')).pathname));

/** The console's own stylesheet and scanner, htmx, ECharts and jsQR, straight from their npm packages: no build step. */
const assetRoutes: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: [ASSETS, HTMX, ECHARTS, JSQR], allowedPath: (file) => /^\/(?:console\.css|scan\.js|htmx\.min\.js|echarts\.min\.js|jsQR\.js)$/.test(file), maxAge: '1h' });
};

/** Every route but the sign-in pages needs an open session; a page redirects to sign-in, anything else is 401. */
function requireSession(context: Context) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    request.consoleUser = token ? await sessionUser(context, token) : undefined;
    if (request.consoleUser || request.routeOptions.config.anonymous) return;
    if (request.method === 'GET') return reply.redirect('/console/sign-in', 303);
    return reply.code(401).send({ error: 'sign in first' });
  };
}

const pages: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  await app.register(cookie);
  await app.register(csrf, { cookieOpts: { path: '/console', sameSite: 'strict', httpOnly: true, secure: 'auto' } });
  await app.register(view, { engine: { eta: new Eta({ views: VIEWS, cache: true }) }, templates: VIEWS });
  app.addHook('onRequest', requireSession(context));
  // Every form posts its CSRF token; a post without the right one changes nothing.
  app.addHook('preHandler', (request, reply, done) => (request.method === 'POST' ? app.csrfProtection(request, reply, done) : done()));
  app.get('/', async (request, reply) => {
    const user = request.consoleUser!;
    return reply.redirect(user.kind === 'officer' ? '/console/dashboard' : user.cadre.canApprove ? '/console/review' : '/console/households', 303);
  });
  await app.register(signInRoutes, { context });
  await app.register(reviewRoutes, { context });
  await app.register(householdRoutes, { context });
  await app.register(counterRoutes, { context });
  await app.register(dashboardRoutes, { context });
  await app.register(cardRoutes, { context });
  await app.register(rosterRoutes, { context });
  await app.register(deductionRoutes, { context });
  await app.register(publicityPageRoutes, { context });
  await app.register(messageRoutes, { context });
  await app.register(weeklyRoutes, { context });
  await app.register(exportRoutes, { context });
};

/** The village office at /console: cadres and township officers, signed in by a code on their own channel. */
export const consoleRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  await app.register(assetRoutes, { prefix: '/assets' });
  await app.register(pages, { context });
};
