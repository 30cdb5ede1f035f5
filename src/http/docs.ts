import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * OpenAPI for the HTTP API, generated from the JSON schemas the routes validate with (typebox),
 * at /docs (the UI) and /docs/json. Registered before the routes it describes.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: { title: 'jifen — 村民积分 API', version: '1', description: 'Oral declarations, the points supermarket, publicity lists. `/api/…` needs `Authorization: Bearer $JIFEN_API_TOKEN`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    // Only the API and public pages: providers' webhooks are documented by the providers.
    hideUntagged: true,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
