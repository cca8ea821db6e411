/**
 * @module rotation-notices
 * An expired secret is still injected (an agent without its key is an outage), but never
 * silently: each source tells the injector's caller about every injected secret that is expired
 * (a WARN) or due for rotation (an INFO), before the agent starts and again when a later fetch
 * finds a new one. Core words the notice, the same as `iron-secrets get` prints it.
 */
import { type RotationNotice, type RotationNoticeSubject, rotationNotice } from '@iron/secrets-core';

/** Receives one notice per secret past its expiry or rotation date (never a value). */
export type NoticeListener = (notice: RotationNotice) => void;

/**
 * The most notices one source gives: a hostile server could send endless distinct secrets, and
 * neither the log nor the set of notices already given may grow without end.
 */
export const MAX_NOTICES = 64;

/**
 * A function to call with the secrets of each fetch: it tells `listener` about each one that is
 * not `ok`, once per secret and notice (a later fetch repeats nothing already said).
 */
export function rotationNotifier(
  listener: NoticeListener | undefined,
): (secrets: Iterable<RotationNoticeSubject>) => void {
  const told = new Set<string>();
  return (secrets) => {
    if (listener === undefined) return;
    for (const secret of secrets) {
      const notice = rotationNotice(secret);
      if (notice === undefined) continue;
      const key = `${secret.name}\0${notice.message}`;
      if (told.has(key) || told.size >= MAX_NOTICES) continue;
      told.add(key);
      listener(notice);
    }
  };
}

/** The longest time text read from a server (ISO 8601 is 20 to 30 characters). */
const MAX_TIME_TEXT = 40;

/**
 * The notice fields of a listed secret as the API sends it (`rotation_status`, `expires_at`,
 * `rotation_due_at`), or undefined when it is `ok` or not understood. The server is not trusted
 * with our log: the name is the one already checked for injection, the environment ours, and
 * times are parsed and printed by us, so nothing it sends reaches the terminal as it was sent.
 */
export function noticeSubjectFromJson(
  name: string,
  environment: string,
  item: object,
): RotationNoticeSubject | undefined {
  const fields = item as { rotation_status?: unknown; expires_at?: unknown; rotation_due_at?: unknown };
  const status = fields.rotation_status;
  if (status !== 'expired' && status !== 'due') return undefined;
  return {
    name,
    environment,
    rotationStatus: status,
    expiresAt: timeFrom(fields.expires_at),
    rotationDueAt: timeFrom(fields.rotation_due_at),
  };
}

function timeFrom(text: unknown): Date | null {
  if (typeof text !== 'string' || text.length > MAX_TIME_TEXT) return null;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? null : time;
}
