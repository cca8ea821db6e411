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

/**
 * A duration as the CLI's `--expires-in` and `--rotate-every` take it, checked by core's
 * `parseDuration` (the same grammar and range); `null` removes the setting.
 */
const Duration = (what: string) =>
  z
    .string()
    .max(64)
    .nullable()
    .optional()
    .openapi({
      example: '90d',
      description: `${what}: whole numbers with a unit, s m h d w (like 90d, 24h, 30m, 2w, 1h30m), from 1 second to 100 years; null removes it; left out, it stays as it is`,
    });

const RotationSettings = {
  expires_in: Duration('the value expires this long after the write'),
  rotate_every: Duration('the value should be rotated this often (counted from its last change)'),
};

export const CreateSecretBody = z
  .strictObject({ name: SecretName, value: Value, environment: Environment, ...RotationSettings })
  .openapi('CreateSecret');

export const UpdateSecretBody = z
  .strictObject({
    value: Value.optional().openapi({
      description: 'the new value; left out, only the settings given change (the value is kept)',
    }),
    environment: Environment.optional(),
    ...RotationSettings,
  })
  .openapi('UpdateSecret');

const RotationStatus = z.enum(['ok', 'due', 'expired']).openapi({
  description:
    'expired past expires_at, due past rotation_due_at, else ok; an expired secret is still served',
});

/** A secret's expiry and rotation, as every body that describes a secret carries them. */
const RotationFields = {
  expires_at: z.string().nullable(),
  rotate_every_seconds: z.number().nullable(),
  rotation_due_at: z.string().nullable(),
  rotation_status: RotationStatus,
};

export const Created = z
  .object({
    id: z.string(),
    name: z.string(),
    environment: z.string(),
    expires_at: z.string().nullable(),
    rotate_every_seconds: z.number().nullable(),
  })
  .openapi('Created');

export const Updated = z
  .object({
    name: z.string(),
    environment: z.string(),
    updated_at: z
      .string()
      .openapi({ description: 'when the value last changed (a PUT of settings alone keeps it)' }),
    ...RotationFields,
  })
  .openapi('Updated');

const SecretFields = {
  name: z.string(),
  environment: z.string(),
  value_masked: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  ...RotationFields,
};

export const SecretValue = z
  .object({
    ...SecretFields,
    value: z.string().optional().openapi({ description: 'admins and agents; viewers get value_masked only' }),
  })
  .openapi('SecretValue');

export const ListedSecret = z
  .object({
    ...SecretFields,
    value_masked: z.string().optional().openapi({ description: 'absent in a names-only listing' }),
    value: z.string().optional().openapi({ description: 'agents always; admins with reveal=true' }),
  })
  .openapi('ListedSecret');

/** The header of every response that describes secrets (GET of one, a listing, PUT). */
export const SECRET_STATUS_HEADER = 'Iron-Secret-Status';

/** The `headers` of such a response in the OpenAPI document. */
export const SecretStatusHeaders = {
  [SECRET_STATUS_HEADER]: {
    description:
      'ok, due or expired: the rotation_status of the secret, or of a listing the worst among the secrets returned (expired over due over ok; ok for none)',
    schema: { type: 'string' as const, enum: ['ok', 'due', 'expired'] },
  },
};

/** The `headers` of a response about one secret: its status and its entity tag (issue 16). */
export const OneSecretHeaders = {
  ...SecretStatusHeaders,
  ETag: {
    description:
      'the entity tag of the secret as it now is (opaque, quoted, never derived from the value): send it back in If-Match to update only if nobody has written since',
    schema: { type: 'string' as const, example: '"3q2-7wYdR8m0VhUu9o1xYA"' },
  },
};

/** The If-Match header of PUT: compare-and-set. */
export const IfMatchHeader = z.object({
  'if-match': z.string().optional().openapi({
    description:
      'update only if the secret is still in the state this ETag names (a list of tags is taken; * = only if it exists); otherwise 412 PRECONDITION_FAILED and nothing is written. Left out, the update is last-writer-wins.',
    example: '"3q2-7wYdR8m0VhUu9o1xYA"',
  }),
});

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
    secret_version: z.number().nullable(),
    digest: z.string().nullable(),
    disclosure: z
      .enum(['value', 'masked', 'none'])
      .nullable()
      .openapi({ description: 'what a READ handed out; null for other operations and entries before 0.3.1' }),
  })
  .openapi('AuditEntry');

export const Verification = z
  .object({ ok: z.boolean(), entries: z.number(), first_bad_id: z.number().nullable() })
  .openapi('AuditVerification');

export const EnvironmentQuery = z.strictObject({ environment: Environment });
export const OptionalEnvironmentQuery = z.strictObject({ environment: Environment.optional() });
/** Whether a listing hands out values (admins); on a read of one name, accepted and ignored. */
const Reveal = z.enum(['true', 'false']).optional().openapi({ example: 'true' });
export const ListQuery = z.strictObject({
  environment: Environment,
  reveal: Reveal,
  names_only: z.enum(['true', 'false']).optional().openapi({
    example: 'true',
    description:
      'no value at all, not even masked (audited as READs that handed out none): for agents and tools that must not see values',
  }),
});
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
/** What an entry is about: a secret's name, `master-key`, `token:<id>` or `*` (checked by the library). */
const AuditSubject = z.string().min(1).max(MAX_SECRET_NAME_LENGTH).openapi({
  example: 'OPENAI_API_KEY',
  description:
    "a secret's name, master-key (rotations), token:<id> (a token's entries) or * (refused listings)",
});
const EntryId = (description: string) =>
  z
    .string()
    .regex(/^\d{1,16}$/)
    .optional()
    .openapi({ example: '4711', description });
/** The filters every way of reading the trail shares (issue 15). */
const AuditFilterFields = {
  secret_name: AuditSubject.optional(),
  environment: Environment.optional(),
  operation: z.enum(['CREATE', 'READ', 'UPDATE', 'DELETE']).optional().openapi({ example: 'READ' }),
  role: z.enum(['admin', 'viewer', 'agent']).optional().openapi({ description: "the requester's role" }),
  requester: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .openapi({ example: 'lead-bot', description: 'a token id, an operator user name or an agent id' }),
  result: z.enum(['success', 'failure']).optional(),
  disclosure: z
    .enum(['value', 'masked', 'none'])
    .optional()
    .openapi({ description: 'only READs that handed out this (value: the plaintext)' }),
};
export const AuditQuery = z.strictObject({
  ...AuditFilterFields,
  since: z.iso.datetime({ offset: true }).optional().openapi({ example: '2026-11-23T00:00:00Z' }),
  until: z.iso.datetime({ offset: true }).optional().openapi({ example: '2026-11-24T00:00:00Z' }),
  limit: z
    .string()
    .regex(/^\d{1,5}$/)
    .optional()
    .openapi({ example: '100', description: 'at most this many (default and at most 10000): the newest' }),
  before: z
    .string()
    .regex(/^[1-9]\d{0,15}$/)
    .optional()
    .openapi({ example: '4711', description: 'the newest entries older than this id (the previous page)' }),
  after: EntryId('the oldest entries newer than this id (the next page)'),
});
export const AuditStreamQuery = z.strictObject({
  after: EntryId('resume after this entry id (Last-Event-ID wins)'),
  ...AuditFilterFields,
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
