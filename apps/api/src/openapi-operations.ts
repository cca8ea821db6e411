/**
 * @module openapi-operations
 * What the schemas cannot say about each operation: its summary and description, every status
 * its route answers and when, and examples of its requests and answers. Kept in one table, applied
 * to the document the schemas generate ({@link describeOperations}), so that the routes stay
 * short and a reader (or the `/docs` page) finds the whole contract in one place.
 * `openapi-complete.test.ts` walks the document: an operation missing here, a status a route
 * answers but the document does not declare, or a missing example fails it.
 */

/** A status an operation answers, when, and the error code of its example (errors only). */
interface StatusDoc {
  readonly when: string;
  readonly code?: string;
  readonly message?: string;
  /** Headers the answer carries, by name: their description. */
  readonly headers?: Readonly<Record<string, string>>;
}

const RETRY_AFTER = { 'Retry-After': 'seconds to wait before retrying' };

/** One operation's documentation. */
interface OperationDoc {
  readonly summary: string;
  readonly description: string;
  readonly statuses: Readonly<Record<number, StatusDoc>>;
  /** The request body, for the operations that take one. */
  readonly request?: unknown;
  /** The successful answer: its status and body (JSON, or the text of an event stream). */
  readonly answer: { readonly status: number; readonly example?: unknown; readonly eventStream?: string };
}

/** What every route behind a token may answer besides its own statuses. */
const AUTHENTICATED: Readonly<Record<number, StatusDoc>> = {
  400: {
    when: 'the query is invalid: a parameter repeated, unknown or malformed',
    code: 'INVALID_REQUEST',
    message: 'a query parameter is repeated; give each at most once',
  },
  401: {
    when: 'no token, or an unknown, revoked or expired one (`UNAUTHORIZED`, `INVALID_TOKEN`)',
    code: 'INVALID_TOKEN',
    message: 'the token is not valid (unknown, revoked or expired)',
  },
  429: {
    when: 'this address failed to authenticate 20 times within a minute, and this request failed too; wait for Retry-After (a valid token is still served)',
    code: 'TOO_MANY_FAILURES',
    headers: RETRY_AFTER,
    message:
      'too many failed authentications from this address; wait and retry (a valid token is still served)',
  },
  500: {
    when: 'the data or the code is wrong, and only an operator can help (`INTEGRITY_VIOLATION`, `DECRYPTION_FAILED`, `SCHEMA_MISMATCH`, `INTERNAL`...)',
    code: 'INTERNAL',
    message: 'the server could not complete the request',
  },
  503: {
    when: 'this instance cannot serve now; retry after Retry-After, here or on another instance (`STORAGE_UNAVAILABLE`, `MASTER_KEY_MISMATCH`, `MANAGER_CLOSED`, `SCHEMA_OUTDATED`...)',
    code: 'STORAGE_UNAVAILABLE',
    headers: RETRY_AFTER,
    message: 'the secrets store is unavailable; try again',
  },
};

/** What a route taking a JSON body adds. */
const WITH_BODY: Readonly<Record<number, StatusDoc>> = {
  413: {
    when: 'the body is over 6 × 64 KiB + 4 KiB (the connection is closed: send the next request on a new one)',
    code: 'PAYLOAD_TOO_LARGE',
    headers: { Connection: '`close`: the rest of the body is not read, so this connection is closed' },
    message: 'the body may be at most 397312 bytes',
  },
  415: {
    when: 'the body is not sent as `application/json`',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'send the body as application/json',
  },
};

const VALUE = 'sk-proj-abc123def456ghi789';
const SECRET = {
  name: 'OPENAI_API_KEY',
  environment: 'production',
  value_masked: 'sk-proj-ab...789',
  created_at: '2026-11-23T20:45:39Z',
  updated_at: '2026-11-23T20:45:39Z',
  expires_at: null,
  rotate_every_seconds: 2592000,
  rotation_due_at: '2026-12-23T20:45:39Z',
  rotation_status: 'ok',
};
const AUDIT_ENTRY = {
  id: 4712,
  timestamp: '2026-11-23T20:45:39Z',
  operation: 'READ',
  secret_name: 'OPENAI_API_KEY',
  environment: 'production',
  requester_role: 'agent',
  requester_id: '3f9a1c2b7d4e',
  agent_id: 'lead-bot',
  success: true,
  error_message: null,
};
const DENIED = (when: string, message: string): StatusDoc => ({ when, code: 'ACCESS_DENIED', message });
const NOT_FOUND: StatusDoc = {
  when: 'no secret of that name in that environment (within the token’s scope)',
  code: 'SECRET_NOT_FOUND',
  message: "no secret named 'OPENAI_API_KEY' in production",
};
const TOKEN_END =
  'When the token is revoked or expires the stream ends within a second, its last event `token.revoked`, `token.expired` or `token.invalid`; a comment line goes out every 15 s to keep proxies from closing it.';

/** Every operation of the API, by `method path` as the document spells it. */
export const OPERATIONS: Readonly<Record<string, OperationDoc>> = {
  'post /api/secrets': {
    summary: 'Create a secret',
    description:
      'Stores a new secret in one environment, encrypted. Admins only (within their token’s environments and patterns). The name is a letter or underscore, then letters, digits or underscores; names that would change how an agent starts (`PATH`, `NODE_OPTIONS`, `LD_*`...) and the names of the routes under `/api/secrets/` (`audit`, `events`) are refused with `RESERVED_SECRET_NAME`.',
    request: { name: 'OPENAI_API_KEY', value: VALUE, environment: 'production' },
    answer: {
      status: 201,
      example: {
        id: '9b6c1f3e-5d2a-4c8b-9e7f-0a1b2c3d4e5f',
        name: 'OPENAI_API_KEY',
        environment: 'production',
      },
    },
    statuses: {
      ...AUTHENTICATED,
      ...WITH_BODY,
      400: {
        when: 'the body is not valid JSON, names a key twice, or has an unknown field; the name, value or environment is invalid (`INVALID_JSON`, `INVALID_REQUEST`, `INVALID_SECRET_NAME`, `RESERVED_SECRET_NAME`, `INVALID_SECRET_VALUE`, `INVALID_ENVIRONMENT`)',
        code: 'RESERVED_SECRET_NAME',
        message:
          'audit is a reserved name: the HTTP API serves GET /api/secrets/audit itself, so a secret under it could not be read over HTTP; choose another name (names are case-sensitive: AUDIT is allowed)',
      },
      403: DENIED(
        'the token is not an admin’s, or does not reach that environment or name',
        'viewer may not create secrets',
      ),
      409: {
        when: 'a secret of that name exists in that environment',
        code: 'SECRET_ALREADY_EXISTS',
        message: "a secret named 'OPENAI_API_KEY' already exists in production",
      },
    },
  },
  'get /api/secrets': {
    summary: 'List the secrets of an environment',
    description:
      'The secrets of one environment that the token reaches, with their dates and rotation status (`ok`, `due`, `expired`). Values are masked; an agent’s entries carry `value`, an admin’s only with `reveal=true` (a listing is not an explicit read of each secret); a viewer asking to reveal is refused.',
    answer: { status: 200, example: [SECRET] },
    statuses: {
      ...AUTHENTICATED,
      400: {
        when: 'environment missing or not one of development, staging, production; reveal not true or false',
        code: 'INVALID_ENVIRONMENT',
        message: 'environment: Invalid option: expected one of "development"|"staging"|"production"',
      },
      403: DENIED(
        'a viewer asked to reveal, or the token does not reach that environment',
        'viewer may not reveal values',
      ),
    },
  },
  'get /api/secrets/{name}': {
    summary: 'Read a secret',
    description:
      'The value of one secret: in full for admins and agents, masked for viewers. Naming one secret is an explicit read, so an admin needs no `reveal`; `reveal` is accepted (true or false, as a listing takes it) and ignored. Every read is audited.',
    answer: { status: 200, example: { name: 'OPENAI_API_KEY', environment: 'production', value: VALUE } },
    statuses: {
      ...AUTHENTICATED,
      400: {
        when: 'environment missing or invalid, the name invalid, or reveal not true or false',
        code: 'INVALID_SECRET_NAME',
        message: 'name: Invalid string: must match pattern /^[A-Za-z_][A-Za-z0-9_]*$/',
      },
      403: DENIED('the token does not reach that environment or name', 'the token does not reach production'),
      404: NOT_FOUND,
    },
  },
  'put /api/secrets/{name}': {
    summary: 'Update (rotate) a secret',
    description:
      'Replaces a secret’s value; agents under `iron-secrets run --server` pick it up live. Without `environment` the name is looked up across the environments the token reaches, and a name found in several is refused (409). Admins only. Without `If-Match` the update is last-writer-wins: concurrent updates all succeed, in the order they commit. With `If-Match` (the `ETag` of a GET or of an earlier PUT) it is compare-and-set: written only if nobody has written since, otherwise 412; `If-Match: *` writes only if the secret exists. The answer carries the new `ETag`.',
    request: { value: 'sk-proj-NEW-value-0001', environment: 'production' },
    answer: { status: 200, example: { name: 'OPENAI_API_KEY', environment: 'production' } },
    statuses: {
      ...AUTHENTICATED,
      ...WITH_BODY,
      400: {
        when: 'the body is not valid JSON or has an unknown field; the name (reserved ones included), value or environment is invalid',
        code: 'INVALID_SECRET_VALUE',
        message: 'a secret value must not be empty',
      },
      403: DENIED(
        'the token is not an admin’s, or does not reach that environment or name',
        'agent may not update secrets',
      ),
      404: NOT_FOUND,
      409: {
        when: 'without environment, the name is in several environments (`AMBIGUOUS_ENVIRONMENT`); or, for a minute on end, the secret was deleted and re-created under the update (`CONCURRENT_MODIFICATION`)',
        code: 'AMBIGUOUS_ENVIRONMENT',
        message: "'OPENAI_API_KEY' exists in staging and production: say which environment",
      },
      412: {
        when: 'If-Match was given and the secret is no longer in the state it names (written since, deleted, re-created) or, with `*`, does not exist; nothing was written: GET it again',
        code: 'PRECONDITION_FAILED',
        message:
          "secret 'OPENAI_API_KEY' is not in the state ifMatch names (it was written since that tag was read); nothing was written: read it again",
      },
    },
  },
  'delete /api/secrets/{name}': {
    summary: 'Delete a secret',
    description:
      'Deletes one secret from one environment. Admins only. A secret stored under a name that is now reserved can still be deleted, so that it can be cleaned up.',
    answer: { status: 204 },
    statuses: {
      ...AUTHENTICATED,
      400: {
        when: 'environment missing or invalid, or the name invalid',
        code: 'INVALID_ENVIRONMENT',
        message: 'environment: Invalid option: expected one of "development"|"staging"|"production"',
      },
      403: DENIED(
        'the token is not an admin’s, or does not reach that environment or name',
        'viewer may not delete secrets',
      ),
      404: NOT_FOUND,
    },
  },
  'get /api/secrets/audit': {
    summary: 'Read the audit trail',
    description:
      'Audit entries, oldest first, never a value, filtered by the query and limited to what the token reaches. Admins and viewers (auditors are viewers); agents are refused.',
    answer: { status: 200, example: [AUDIT_ENTRY] },
    statuses: {
      ...AUTHENTICATED,
      400: {
        when: 'a filter is malformed (a name, an environment, a time, a number)',
        code: 'INVALID_REQUEST',
        message: 'limit: Invalid string: must match pattern /^\\d{1,5}$/',
      },
      403: DENIED('an agent’s token', 'agent may not read the audit log'),
    },
  },
  'get /api/secrets/audit/verify': {
    summary: 'Verify the audit trail',
    description:
      'Checks the hash chain and seal of the whole trail, and every secret row against it. `ok: false` names the first entry that does not verify. Admins and viewers.',
    answer: { status: 200, example: { ok: true, entries: 42, first_bad_id: null } },
    statuses: { ...AUTHENTICATED, 403: DENIED('an agent’s token', 'agent may not read the audit log') },
  },
  'get /api/secrets/audit/stream': {
    summary: 'Stream the audit trail',
    description: `Server-sent events: one \`audit.entry\` per entry as it is committed (by any process or instance), in id order, the entry as \`GET /api/secrets/audit\` returns it. \`?after=ID\` or a \`Last-Event-ID\` header (which wins) resumes after that entry. Admins and viewers. ${TOKEN_END}`,
    answer: {
      status: 200,
      eventStream: `event: audit.entry\ndata: ${JSON.stringify(AUDIT_ENTRY)}\nid: 4712\n\n`,
    },
    statuses: {
      ...AUTHENTICATED,
      400: {
        when: 'after (or Last-Event-ID) is not a whole number, or a filter is malformed',
        code: 'INVALID_REQUEST',
        message: 'after: Invalid string: must match pattern /^\\d{1,16}$/',
      },
      403: DENIED('an agent’s token', 'agent may not read the audit log'),
    },
  },
  'get /api/secrets/events': {
    summary: 'Stream changes to secrets',
    description: `Server-sent events for every create, update and delete in one environment within the token’s scope, within about 250 ms: names and dates, never values. \`iron-secrets run --server\` rotates agents from it. ${TOKEN_END}`,
    answer: {
      status: 200,
      eventStream:
        'event: secret.updated\ndata: {"name":"OPENAI_API_KEY","environment":"production","updated_at":"2026-11-23T20:45:39.000Z"}\nid: 7\n\n',
    },
    statuses: {
      ...AUTHENTICATED,
      400: {
        when: 'environment missing or invalid',
        code: 'INVALID_ENVIRONMENT',
        message: 'environment must be development, staging or production',
      },
      403: DENIED('the token does not reach that environment', 'the token does not reach production'),
    },
  },
  'get /api/session': {
    summary: 'Who this token is',
    description:
      'The presented token’s role, id, agent id and scope (environments, secret patterns). The panel uses it to show the actions the role allows.',
    answer: {
      status: 200,
      example: {
        role: 'agent',
        token_id: '3f9a1c2b7d4e',
        agent_id: 'lead-bot',
        environments: ['production'],
        secrets: ['OPENAI_*'],
      },
    },
    statuses: AUTHENTICATED,
  },
  'get /healthz': {
    summary: 'Can this instance serve now?',
    description:
      'For load balancers; no token. Reads the database once (concurrent checks share the read). 503 when the database cannot be read, when another process rotated the master key away from this instance, or when it is shutting down; the reason is public, so it says what to do, never which host failed.',
    answer: { status: 200, example: { ok: true, database: 'reachable', masterKey: 'current' } },
    statuses: {
      503: {
        when: 'this instance cannot serve: the database is unreachable (`STORAGE_UNAVAILABLE`), its master key was rotated away (`MASTER_KEY_MISMATCH`), or it is shutting down (`MANAGER_CLOSED`)',
        headers: RETRY_AFTER,
      },
    },
  },
  'get /livez': {
    summary: 'Is the process alive?',
    description:
      'For liveness probes; no token. Always 200 while the process runs, without touching the database, so that a database outage does not get every instance restarted.',
    answer: { status: 200, example: { ok: true } },
    statuses: {},
  },
};

/** Examples of query, path and header parameters, by name (an enum's first value otherwise). */
const PARAMETER_EXAMPLES: Readonly<Record<string, string>> = {
  name: 'OPENAI_API_KEY',
  secret_name: 'OPENAI_API_KEY',
  environment: 'production',
  reveal: 'true',
  since: '2026-11-23T00:00:00Z',
  until: '2026-11-24T00:00:00Z',
  limit: '100',
  before: '4811',
  after: '4711',
  requester: 'lead-bot',
  'last-event-id': '4711',
};

const HEALTH_503 = {
  ok: false,
  database: 'reachable',
  masterKey: 'rotated',
  code: 'MASTER_KEY_MISMATCH',
  reason: 'this server holds a master key that was rotated away; try another instance',
};

// biome-ignore lint/suspicious/noExplicitAny: the generated document, completed in place
type Json = any;

/**
 * Completes the generated document: each operation's summary and description, every status its
 * route answers (an error's schema is the shared `Error`), and examples of every request body,
 * parameter and answer. An operation the table does not know is left as generated (the test
 * reports it).
 */
export function describeOperations(document: Json): Json {
  for (const [path, item] of Object.entries(document.paths ?? {}) as [string, Json][]) {
    for (const [method, operation] of Object.entries(item) as [string, Json][]) {
      const doc = OPERATIONS[`${method} ${path}`];
      for (const parameter of operation.parameters ?? []) {
        if (parameter.example !== undefined || parameter.schema?.example !== undefined) continue;
        const example = PARAMETER_EXAMPLES[parameter.name] ?? parameter.schema?.enum?.[0];
        if (example !== undefined) parameter.example = example;
      }
      if (doc === undefined) continue;
      operation.summary ??= doc.summary;
      operation.description ??= doc.description;
      const media = operation.requestBody?.content?.['application/json'];
      if (media !== undefined && doc.request !== undefined) media.example ??= doc.request;
      operation.responses ??= {};
      operation.responses[doc.answer.status] ??= { description: 'done' };
      const success = operation.responses[doc.answer.status];
      if (doc.answer.eventStream !== undefined) {
        success.content = {
          'text/event-stream': { schema: { type: 'string' }, example: doc.answer.eventStream },
        };
      } else if (doc.answer.example !== undefined) {
        success.content ??= { 'application/json': {} };
        for (const each of Object.values(success.content) as Json[]) each.example ??= doc.answer.example;
      }
      for (const [status, statusDoc] of Object.entries(doc.statuses)) {
        operation.responses[status] ??= {};
        const response = operation.responses[status];
        response.description = statusDoc.when;
        for (const [name, description] of Object.entries(statusDoc.headers ?? {})) {
          response.headers ??= {};
          response.headers[name] ??= { description, schema: { type: 'string' } };
        }
        const example =
          statusDoc.code === undefined
            ? HEALTH_503
            : { error: { code: statusDoc.code, message: statusDoc.message ?? statusDoc.when } };
        response.content ??= {
          'application/json': {
            schema:
              statusDoc.code === undefined ? { type: 'object' } : { $ref: '#/components/schemas/Error' },
          },
        };
        for (const each of Object.values(response.content) as Json[]) each.example ??= example;
      }
    }
  }
  return document;
}
