/**
 * @module rotation-log
 * The injector's own log lines, on stderr, in the demo's format:
 * `[HH:MM:SS] INFO Secret rotated: NAME (no restart required)`. Names only, never values.
 */

/** One log line at `level`, stamped with the local time of day. */
export function logLine(level: 'INFO' | 'WARN' | 'ERROR', message: string, now = new Date()): string {
  const time = [now.getHours(), now.getMinutes(), now.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
  return `[${time}] ${level} ${message}`;
}
