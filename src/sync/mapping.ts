import { UsageError } from '../errors.js';

/**
 * An Auth0 user as an Okta profile: login and email from the Auth0 email (never invented: no email, no user),
 * firstName / lastName from user_metadata.firstName / lastName, else given_name / family_name, else the name split
 * in two; `--map okta.field=auth0.path` for anything else. A value of the wrong type skips the user with a reason.
 */
export interface FieldMap {
  /** The Okta profile attribute. */
  okta: string;
  /** A dotted path into the Auth0 user: email, user_metadata.department, app_metadata.costCenter ... */
  auth0: string;
}

type MapResult =
  | {
      ok: true;
      profile: Record<string, unknown> & { login: string; email: string; firstName: string; lastName: string };
    }
  | { ok: false; reason: string };

const RESERVED = new Set(['login', 'email']);
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PATH = /^[A-Za-z_$][A-Za-z0-9_$-]*(\.[A-Za-z_$][A-Za-z0-9_$-]*)*$/;

/** `department=user_metadata.department`, also written `okta.department=auth0.user_metadata.department`. */
export function parseFieldMap(text: string): FieldMap {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) {
    throw new UsageError(`--map "${text}" is not okta.field=auth0.path.`, {
      hint: 'For example --map department=user_metadata.department.',
    });
  }
  const okta = text
    .slice(0, eq)
    .trim()
    .replace(/^(okta|profile)\./, '');
  const auth0 = text
    .slice(eq + 1)
    .trim()
    .replace(/^auth0\./, '');
  if (!FIELD.test(okta))
    throw new UsageError(`--map: "${okta}" is not an Okta profile attribute name.`, {
      hint: 'Letters, digits and _ only, such as department.',
    });
  if (!PATH.test(auth0))
    throw new UsageError(`--map: "${auth0}" is not a path into the Auth0 user.`, {
      hint: 'A dotted path, such as user_metadata.department.',
    });
  if (RESERVED.has(okta)) {
    throw new UsageError(`--map cannot set ${okta}: login and email always come from the Auth0 email.`, {
      hint: 'Map other attributes.',
    });
  }
  return { okta, auth0 };
}

export function valueAt(source: unknown, path: string): unknown {
  let current = source;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A usable email: a string with one @ and something on both sides. */
export function emailOf(user: { email?: unknown }): string | undefined {
  const email = user.email;
  if (typeof email !== 'string') return undefined;
  const trimmed = email.trim();
  return /^[^@\s]+@[^@\s]+$/.test(trimmed) ? trimmed : undefined;
}

/** A name field: undefined when absent or blank; a reason when present but not a string. */
function nameField(user: Record<string, unknown>, path: string): { value?: string; error?: string } {
  const value = valueAt(user, path);
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string') return { error: `${path} is ${kind(value)}, not a string` };
  const trimmed = value.trim();
  return trimmed ? { value: trimmed } : {};
}

export function mapUser(user: Record<string, unknown>, maps: readonly FieldMap[] = []): MapResult {
  const email = emailOf(user);
  if (!email)
    return {
      ok: false,
      reason:
        user.email === undefined || user.email === null || user.email === ''
          ? 'no email'
          : 'email is not a valid address',
    };

  const pick = (paths: string[]): { value?: string; error?: string } => {
    for (const path of paths) {
      const found = nameField(user, path);
      if (found.error || found.value) return found;
    }
    return {};
  };
  const mappedFirst = maps.find((m) => m.okta === 'firstName');
  const mappedLast = maps.find((m) => m.okta === 'lastName');
  const first = pick(mappedFirst ? [mappedFirst.auth0] : ['user_metadata.firstName', 'given_name']);
  if (first.error) return { ok: false, reason: first.error };
  const last = pick(mappedLast ? [mappedLast.auth0] : ['user_metadata.lastName', 'family_name']);
  if (last.error) return { ok: false, reason: last.error };
  let firstName = first.value;
  let lastName = last.value;
  if (!firstName || !lastName) {
    const name = nameField(user, 'name');
    // Auth0 fills `name` with the email for database users: that is not a person's name.
    if (name.value && !name.value.includes('@')) {
      const parts = name.value.split(/\s+/);
      if (parts.length >= 2) {
        firstName ??= parts[0];
        lastName ??= parts.slice(1).join(' ');
      }
    }
  }
  if (!firstName || !lastName) {
    return {
      ok: false,
      reason: `no ${!firstName ? 'first' : 'last'} name (user_metadata.${!firstName ? 'firstName' : 'lastName'}, ${!firstName ? 'given_name' : 'family_name'} or a two-part name)`,
    };
  }
  const profile: Record<string, unknown> & { login: string; email: string; firstName: string; lastName: string } = {
    login: email,
    email,
    firstName,
    lastName,
  };
  for (const map of maps) {
    if (map.okta === 'firstName' || map.okta === 'lastName') continue;
    const value = valueAt(user, map.auth0);
    if (value === undefined || value === null) continue;
    const primitive = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
    if (primitive(value) || (Array.isArray(value) && value.every(primitive))) profile[map.okta] = value;
    else return { ok: false, reason: `${map.auth0} is ${kind(value)}, which ${map.okta} cannot hold` };
  }
  return { ok: true, profile };
}
