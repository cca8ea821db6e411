/**
 * @module rotation-note
 * What `get` and `export` say on stderr about a value they print past its expiry or rotation
 * date: an expired one is a WARN line whoever is watching (a script's log keeps it); a due
 * rotation is a note for a person at a terminal only. Never the value.
 */
import { type RotationNoticeSubject, rotationNotice } from '@iron/secrets-core';
import { type Io, isTerminal, note } from './io.js';

/** Writes the notice about `secret` to stderr, if it has one worth writing there. */
export function noteRotation(io: Io, secret: RotationNoticeSubject): void {
  const notice = rotationNotice(secret);
  if (notice?.level === 'WARN') note(io, `WARN ${notice.message}`);
  else if (notice !== undefined && isTerminal(io.stderr)) note(io, `note: ${notice.message}`);
}
