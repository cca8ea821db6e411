/**
 * @module secrets
 * The spec's secret routes: create, list, get, update, delete. Who may do what, and what they
 * see (full or masked), is the library's FR-6.3 decision for the token's requester.
 *
 * Expiry and rotation: `expires_in` and `rotate_every` take the CLI's durations (core's
 * `parseDuration`); an expired secret is still served, and every response that describes
 * secrets says so, in `rotation_status` and the `Iron-Secret-Status` header.
 */
import { createRoute, z } from '@hono/zod-openapi';
import {
  IronSecretsError,
  isoSeconds,
  parseDuration,
  type RotationOptions,
  type SecretMetadata,
  type SecretsManager,
  secretJson,
  secretNameJson,
  worstRotationStatus,
} from '@iron/secrets-core';
import type { ApiApp } from '../app.js';
import {
  BEARER,
  Created,
  CreateSecretBody,
  EnvironmentQuery,
  ErrorBody,
  IfMatchHeader,
  jsonResponse,
  ListedSecret,
  ListQuery,
  NameParam,
  OneSecretHeaders,
  ReadQuery,
  SECRET_STATUS_HEADER,
  SecretStatusHeaders,
  SecretValue,
  Updated,
  UpdateSecretBody,
} from '../schemas.js';

/**
 * The library's rotation options from a body's `expires_in` and `rotate_every`: a duration sets
 * one, `null` removes it, left out it is not mentioned (kept by an update).
 */
function rotationOptions(body: {
  expires_in?: string | null | undefined;
  rotate_every?: string | null | undefined;
}): RotationOptions {
  const { expires_in: expiresIn, rotate_every: rotateEvery } = body;
  return {
    ...(expiresIn === undefined
      ? {}
      : expiresIn === null
        ? { expiresAt: null }
        : { expiresInSeconds: parseDuration(expiresIn, 'expires_in') }),
    ...(rotateEvery === undefined
      ? {}
      : { rotateEverySeconds: rotateEvery === null ? null : parseDuration(rotateEvery, 'rotate_every') }),
  };
}

/** A secret's expiry and rotation as every body that describes one carries them. */
function rotationJson(secret: SecretMetadata) {
  const { expires_at, rotate_every_seconds, rotation_due_at, rotation_status } = secretJson(secret);
  return { expires_at, rotate_every_seconds, rotation_due_at, rotation_status };
}

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
      const body = c.req.valid('json');
      const { name, value, environment } = body;
      const created = await manager.createSecretDescribed(name, value, environment, {
        requester: c.get('requester'),
        ...rotationOptions(body),
      });
      return c.json(
        {
          id: created.id,
          name,
          environment,
          expires_at: isoSeconds(created.expiresAt),
          rotate_every_seconds: created.rotateEverySeconds,
        },
        201,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/secrets',
      security: BEARER,
      request: { query: ListQuery },
      responses: {
        200: {
          ...jsonResponse(z.array(ListedSecret), 'the secrets of the environment'),
          headers: SecretStatusHeaders,
        },
        ...errors,
      },
    }),
    async (c) => {
      const { environment, reveal, names_only: namesOnly } = c.req.valid('query');
      if (namesOnly === 'true') {
        if (reveal === 'true') {
          throw new IronSecretsError('INVALID_ARGUMENT', 'ask for names_only or for reveal, not both');
        }
        const listed = await manager.listSecretNames(c.get('requester'), environment);
        c.header(SECRET_STATUS_HEADER, worstRotationStatus(listed.map((secret) => secret.rotationStatus)));
        return c.json(listed.map(secretNameJson), 200);
      }
      const secrets = await manager.listSecrets(c.get('requester'), environment, {
        reveal: reveal === 'true' ? true : undefined,
      });
      c.header(SECRET_STATUS_HEADER, worstRotationStatus(secrets.map((secret) => secret.rotationStatus)));
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
        200: {
          ...jsonResponse(SecretValue, 'the value (masked for viewers), served even when expired'),
          headers: OneSecretHeaders,
        },
        ...errors,
        404: jsonResponse(ErrorBody, 'not found'),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const { environment } = c.req.valid('query');
      const requester = c.get('requester');
      const secret = await manager.readSecret(name, requester, { environment });
      c.header(SECRET_STATUS_HEADER, secret.rotationStatus);
      c.header('ETag', secret.etag);
      return c.json(secretJson(secret), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/secrets/{name}',
      security: BEARER,
      request: {
        params: NameParam,
        headers: IfMatchHeader,
        body: { content: { 'application/json': { schema: UpdateSecretBody } }, required: true },
      },
      responses: {
        200: {
          ...jsonResponse(Updated, 'updated: the secret as it now is (never its value)'),
          headers: OneSecretHeaders,
        },
        ...errors,
        404: jsonResponse(ErrorBody, 'not found'),
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const body = c.req.valid('json');
      const ifMatch = c.req.valid('header')['if-match'];
      // Without a value only the settings given change: the value is sealed again under them.
      // Without If-Match the update is last-writer-wins: it never fails for being concurrent.
      const updated = await manager.updateSecret(name, body.value, {
        environment: body.environment,
        requester: c.get('requester'),
        ...(ifMatch === undefined ? {} : { ifMatch }),
        ...rotationOptions(body),
      });
      c.header(SECRET_STATUS_HEADER, updated.rotationStatus);
      c.header('ETag', updated.etag);
      return c.json(
        {
          name,
          environment: updated.environment,
          updated_at: isoSeconds(updated.updatedAt)!,
          ...rotationJson(updated),
        },
        200,
      );
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
