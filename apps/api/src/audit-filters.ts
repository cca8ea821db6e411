/**
 * @module audit-filters
 * The audit trail's query filters (snake_case, as in the wire format) as the library's, for both
 * ways of reading it over HTTP: a page (`GET /api/secrets/audit`) and the stream.
 */
/** The query's filters as the library's (`auditLog`, `followAuditLog`). */
export function auditFilters(query: {
  secret_name?: string | undefined;
  environment?: string | undefined;
  operation?: 'CREATE' | 'READ' | 'UPDATE' | 'DELETE' | undefined;
  role?: 'admin' | 'viewer' | 'agent' | undefined;
  requester?: string | undefined;
  result?: 'success' | 'failure' | undefined;
  disclosure?: 'value' | 'masked' | 'none' | undefined;
}) {
  return {
    secretName: query.secret_name,
    environment: query.environment,
    operation: query.operation,
    requesterRole: query.role,
    requestedBy: query.requester,
    success: query.result === undefined ? undefined : query.result === 'success',
    disclosure: query.disclosure,
  };
}
