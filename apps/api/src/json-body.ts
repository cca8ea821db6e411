/**
 * @module json-body
 * The one place a JSON request body is read before any route sees it: a body whose objects name
 * a key twice, at any depth, is refused with 400. JSON.parse would keep the last of the two
 * silently, so `{"environment":"development","environment":"production"}` would create in
 * production while a proxy, a log or a reviewer reading the first key saw development; duplicate
 * query parameters are refused for the same reason. The routes' validators then read the same
 * text from Hono's body cache, so there is no second reading that could differ.
 */
import { hasDuplicateJsonKey } from '@iron/secrets-core';
import type { MiddlewareHandler } from 'hono';
import { errorJson } from './error-response.js';

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:;|$)/i;

/** Refuses a JSON body with a duplicate key; lets malformed JSON through to the validator's 400. */
export const refuseDuplicateJsonKeys: MiddlewareHandler = async (c, next) => {
  if (c.req.raw.body !== null && JSON_TYPE.test(c.req.header('content-type') ?? '')) {
    const text = await c.req.text(); // cached: the validator's c.req.json() parses this same text
    if (wellFormed(text) && hasDuplicateJsonKey(text)) {
      return errorJson(
        c,
        400,
        'INVALID_JSON',
        'an object in the body names the same key twice; give each key once',
      );
    }
  }
  await next();
};

function wellFormed(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
