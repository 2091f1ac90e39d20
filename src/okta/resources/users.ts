import type { OktaClient } from '../client.js';
import { isOktaHttpError, mapOktaError, oktaFind } from '../errors.js';
import { NetworkError } from '../../http/errors.js';

/** Okta users, as much as sync needs: find by login, create (staged or active). */
interface OktaUserLite {
  id: string;
  status?: string;
  login: string;
}

type OktaProfileInput = Record<string, unknown> & {
  login: string;
  email: string;
  firstName: string;
  lastName: string;
};

/** One management call as plain JSON (kept for sync, which makes thousands of them). */
export async function oktaJson(
  client: OktaClient,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  return client.call(method, path, body === undefined ? {} : { body });
}

function lite(user: unknown): OktaUserLite {
  const u = user as { id?: string; status?: string; profile?: { login?: string } };
  return { id: String(u.id), login: String(u.profile?.login ?? ''), ...(u.status ? { status: String(u.status) } : {}) };
}

/** The user whose login is `login` (Okta matches logins case-insensitively), or undefined. */
export async function findUserByLogin(client: OktaClient, login: string): Promise<OktaUserLite | undefined> {
  const user = await oktaFind(`look up the Okta user ${login}`, () =>
    oktaJson(client, 'GET', `/api/v1/users/${encodeURIComponent(login)}`),
  );
  if (!user) return undefined;
  const found = lite(user);
  // GET /users/{x} also matches a login shortname or an id: only an exact login counts.
  return found.login.toLowerCase() === login.toLowerCase() ? found : undefined;
}

/** Okta's answer when the login is taken: E0000001 with the cause "login: An object with this field already exists". */
function isLoginTaken(error: unknown): boolean {
  if (!isOktaHttpError(error)) return false;
  const causes = (error.errorCauses ?? []).map((c) => c.errorSummary ?? '').join(' ');
  return error.errorCode === 'E0000001' && /login/i.test(causes) && /already exists/i.test(causes);
}

/** Whether a create may have happened although no answer said so. */
export function createOutcomeUnknown(error: unknown): boolean {
  if (isOktaHttpError(error)) return (error.status ?? 0) >= 500;
  return error instanceof NetworkError && error.outcomeUnknown;
}

/** Tries of a create whose outcome stays unknown (each one looked up first), before giving up. */
const CREATE_ATTEMPTS = 4;

type CreateUserResult = { user: OktaUserLite; created: boolean };

/**
 * Creates the user, or finds it when it exists already: a create refused because the login is taken, or one whose
 * answer was lost (an interrupted run, a dropped connection), is looked up by login rather than tried twice.
 */
export async function createOrFindUser(
  client: OktaClient,
  profile: OktaProfileInput,
  activate: boolean,
): Promise<CreateUserResult> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const user = await oktaJson(client, 'POST', `/api/v1/users?activate=${activate ? 'true' : 'false'}`, { profile });
      return { user: lite(user), created: true };
    } catch (error) {
      if (isLoginTaken(error) || (createOutcomeUnknown(error) && attempt < CREATE_ATTEMPTS)) {
        const existing = await findUserByLogin(client, profile.login);
        if (existing) return { user: existing, created: false };
        if (isLoginTaken(error)) throw mapOktaError(error, `create the Okta user ${profile.login}`, 'POST');
        continue;
      }
      throw mapOktaError(error, `create the Okta user ${profile.login}`, 'POST');
    }
  }
}
