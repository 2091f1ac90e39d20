import type { RequestContext } from './context.js';
import { malformedBody, validationError } from './errors.js';
import { isObject, type Json } from '../core/http-io.js';

export function readObjectBody(ctx: RequestContext): Json {
  if (!isObject(ctx.body)) throw malformedBody();
  return ctx.body;
}

export function requireString(value: unknown, field: string, what = field): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw validationError(what, `${field}: The field cannot be left blank`);
  return value;
}

/** `value` (or `fallback` when absent) if it is one of `allowed`, else Okta's 400 "<field>: '<value>' is not valid." */
export function oneOf(value: Json[string], allowed: readonly string[], fallback: string, field: string): string {
  const chosen = value ?? fallback;
  if (typeof chosen !== 'string' || !allowed.includes(chosen))
    throw validationError(field, `${field}: '${String(chosen)}' is not valid.`);
  return chosen;
}

export function requireStringArray(value: unknown, field: string, what = field): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw validationError(what, `${field}: The field cannot be left blank`);
  if (!value.every((v) => typeof v === 'string')) throw validationError(what, `${field}: Each value must be a string`);
  return value;
}

/**
 * Inserts `item` at 1-based `priority` (last when absent or too large) and renumbers 1..n contiguously,
 * the way Okta does for policies and rules.
 */
export function placeByPriority<T extends { id: string; priority?: number }>(
  items: T[],
  item: T,
  priority: unknown,
): T[] {
  const others = items.filter((i) => i.id !== item.id).sort((a, b) => (a.priority ?? 0) - (b.priority ?? 0));
  const wanted =
    typeof priority === 'number' && Number.isInteger(priority) && priority >= 1 ? priority : others.length + 1;
  others.splice(Math.min(wanted, others.length + 1) - 1, 0, item);
  others.forEach((entry, index) => (entry.priority = index + 1));
  return others;
}
