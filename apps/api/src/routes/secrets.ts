/**
 * @module secrets
 * The spec's secret routes: create, list, get, update, delete. Who may do what, and what they
 * see (full or masked), is the library's FR-6.3 decision for the token's requester.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { type SecretsManager, secretJson } from '@iron/secrets-core';
import type { ApiApp } from '../app.js';
import {
  BEARER,
  Created,
  CreateSecretBody,
  EnvironmentQuery,
  ErrorBody,
  jsonResponse,
  ListedSecret,
  ListQuery,
  NameParam,
  ReadQuery,
  SecretValue,
  UpdateSecretBody,
} from '../schemas.js';

const errors = {
  400: jsonResponse(ErrorBody, 'invalid request'),
  401: jsonResponse(ErrorBody, 'no or invalid token'),
  403: jsonResponse(ErrorBody, 'the token may not do this'),
};

export function registerSecretRoutes(app: ApiApp, manager: SecretsManager): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/secrets',
      security: BEARER,
      request: { body: { content: { 'application/json': { schema: CreateSecretBody } }, required: true } },
      responses: {
        201: jsonResponse(Created, 'created'),
        ...errors,
        409: jsonResponse(ErrorBody, 'exists in that environment'),
      },
    }),
    async (c) => {
      const { name, value, environment } = c.req.valid('json');
      const id = await manager.createSecret(name, value, environment, { requester: c.get('requester') });
      return c.json({ id, name, environment }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/secrets',
      security: BEARER,
      request: { query: ListQuery },
      responses: { 200: jsonResponse(z.array(ListedSecret), 'the secrets of the environment'), ...errors },
    }),
    async (c) => {
      const { environment, reveal } = c.req.valid('query');
      const secrets = await manager.listSecrets(c.get('requester'), environment, {
        reveal: reveal === 'true' ? true : undefined,
      });
      return c.json(secrets.map(secretJson), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/secrets/{name}',
      security: BEARER,
      request: { params: NameParam, query: ReadQuery },
      responses: {
        200: jsonResponse(SecretValue, 'the value (masked for viewers)'),
        ...errors,
        404: jsonResponse(ErrorBody, 'not found'),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const { environment } = c.req.valid('query');
      const requester = c.get('requester');
      const value = await manager.getSecret(name, requester, { environment });
      return c.json(
        requester.role === 'viewer'
          ? { name, environment, value_masked: value }
          : { name, environment, value },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/secrets/{name}',
      security: BEARER,
      request: {
        params: NameParam,
        body: { content: { 'application/json': { schema: UpdateSecretBody } }, required: true },
      },
      responses: {
        200: jsonResponse(z.object({ name: z.string(), environment: z.string().optional() }), 'updated'),
        ...errors,
        404: jsonResponse(ErrorBody, 'not found'),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const { value, environment } = c.req.valid('json');
      await manager.updateSecret(name, value, { environment, requester: c.get('requester') });
      return c.json(environment === undefined ? { name } : { name, environment }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/secrets/{name}',
      security: BEARER,
      request: { params: NameParam, query: EnvironmentQuery },
      responses: { 204: { description: 'deleted' }, ...errors, 404: jsonResponse(ErrorBody, 'not found') },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const { environment } = c.req.valid('query');
      await manager.deleteSecret(name, { environment, requester: c.get('requester') });
      return c.body(null, 204);
    },
  );
}
