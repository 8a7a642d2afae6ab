/** The Fastify application: plugins, security hooks, OpenAPI at /docs, API routes, the web app. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppContext } from './context.js';
import { errorHandler, sendProblem } from './errors.js';
import { installAuth } from './auth/session.js';
import { apiRoutes } from './routes/api.js';

export async function buildApp(ctx: AppContext, opts: { logger?: FastifyServerOptions['logger'] } = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: opts.logger ?? false, trustProxy: false, bodyLimit: 2 * 1024 * 1024 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'medcoder workstation API', version: '0.1.0', description: 'Worklists, review, provider queries, audits and code look-ups. Log in with POST /api/auth/login; send the returned csrfToken as X-CSRF-Token on every change. Errors are application/problem+json naming the field at fault.' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'medcoder_session' }, csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' } } },
      security: [{ session: [], csrf: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  installAuth(app, ctx);
  // security headers for every answer
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'same-origin');
    done(null, payload);
  });
  apiRoutes(app, ctx);

  const webDir = ctx.config.webDir;
  if (webDir && existsSync(join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: 'index.html' });
    // client-side routes fall back to the app
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/docs')) return reply.sendFile('index.html');
      return sendProblem(reply, 404, { title: 'Not found', detail: `${req.method} ${req.url} not found` });
    });
  } else {
    app.get('/', { config: { public: true } }, async (_req, reply) => reply.type('text/html').send('<p>medcoder server. The web app is not built: run <code>npm run build</code>. API documentation: <a href="/docs">/docs</a>.</p>'));
    app.setNotFoundHandler((req, reply) => sendProblem(reply, 404, { title: 'Not found', detail: `${req.method} ${req.url} not found` }));
  }
  return app;
}
