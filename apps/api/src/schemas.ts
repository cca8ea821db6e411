/**
 * @module schemas
 * The request and response shapes: they validate requests and generate the OpenAPI document,
 * so the two cannot drift. Objects are strict: an unknown field is a 400, not ignored.
 */
import { z } from '@hono/zod-openapi';
import { ENVIRONMENTS, MAX_SECRET_NAME_LENGTH, SECRET_NAME_PATTERN } from '@iron/secrets-core';

export const Environment = z
  .enum(ENVIRONMENTS as unknown as [string, ...string[]])
  .openapi({ example: 'production' });

export const SecretName = z
  .string()
  .min(1)
  .max(MAX_SECRET_NAME_LENGTH)
  .regex(SECRET_NAME_PATTERN)
  .openapi({ example: 'OPENAI_API_KEY' });

/** Values are checked by the library (size, NUL, Unicode); here only their type. */
const Value = z.string().openapi({ example: 'sk-proj-abc123def456ghi789' });

export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .openapi('Error');

export const CreateSecretBody = z
  .strictObject({ name: SecretName, value: Value, environment: Environment })
  .openapi('CreateSecret');

export const UpdateSecretBody = z
  .strictObject({ value: Value, environment: Environment.optional() })
  .openapi('UpdateSecret');

export const Created = z
  .object({ id: z.string(), name: z.string(), environment: z.string() })
  .openapi('Created');

export const SecretValue = z
  .object({
    name: z.string(),
    environment: z.string(),
    value: z.string().optional(),
    value_masked: z.string().optional(),
  })
  .openapi('SecretValue');

export const ListedSecret = z
  .object({
    name: z.string(),
    environment: z.string(),
    value_masked: z.string(),
    value: z.string().optional().openapi({ description: 'agents always; admins with reveal=true' }),
    created_at: z.string(),
    updated_at: z.string(),
    expires_at: z.string().nullable(),
    rotate_every_seconds: z.number().nullable(),
    rotation_due_at: z.string().nullable(),
    rotation_status: z.enum(['ok', 'due', 'expired']),
  })
  .openapi('ListedSecret');

export const AuditEntry = z
  .object({
    id: z.number(),
    timestamp: z.string(),
    operation: z.string(),
    secret_name: z.string(),
    environment: z.string().nullable(),
    requester_role: z.string(),
    requester_id: z.string().nullable(),
    agent_id: z.string().nullable(),
    success: z.boolean(),
    error_message: z.string().nullable(),
    prev_hash: z.string(),
    hash: z.string(),
  })
  .openapi('AuditEntry');

export const Verification = z
  .object({ ok: z.boolean(), entries: z.number(), first_bad_id: z.number().nullable() })
  .openapi('AuditVerification');

export const EnvironmentQuery = z.strictObject({ environment: Environment });
export const OptionalEnvironmentQuery = z.strictObject({ environment: Environment.optional() });
/** Whether a listing hands out values (admins); on a read of one name, accepted and ignored. */
const Reveal = z.enum(['true', 'false']).optional().openapi({ example: 'true' });
export const ListQuery = z.strictObject({ environment: Environment, reveal: Reveal });
/**
 * A read of one name: `reveal` is accepted so that a client may send a listing's parameters
 * unchanged, and ignored: naming one secret is an explicit read (an admin gets its value).
 */
export const ReadQuery = z.strictObject({
  environment: Environment,
  reveal: Reveal.openapi({
    description:
      'ignored: a read of one name always returns what the role may see (admins and agents the value)',
  }),
});
export const AuditQuery = z.strictObject({
  secret_name: SecretName.optional(),
  environment: Environment.optional(),
  since: z.iso.datetime({ offset: true }).optional().openapi({ example: '2026-11-23T00:00:00Z' }),
  limit: z
    .string()
    .regex(/^\d{1,5}$/)
    .optional()
    .openapi({ example: '100' }),
});
export const AuditStreamQuery = z.strictObject({
  after: z
    .string()
    .regex(/^\d{1,16}$/)
    .optional()
    .openapi({ example: '4711', description: 'resume after this entry id (Last-Event-ID wins)' }),
  secret_name: SecretName.optional(),
  environment: Environment.optional(),
});
export const NameParam = z.strictObject({
  name: SecretName.openapi({ param: { name: 'name', in: 'path' } }),
});

/** A JSON response of an OpenAPI route. */
export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/** Every `/api` route takes a bearer token. */
export const BEARER = [{ bearer: [] }];
