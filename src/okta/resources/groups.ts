import type { OktaClient } from '../client.js';
import { all } from '../collect.js';
import { mapOktaError, oktaCall, oktaFind } from '../errors.js';
import { createOutcomeUnknown, oktaJson } from './users.js';

/** Okta groups, as much as sync needs: find by id or exact name, create, members (streamed), add, remove. */
export interface OktaGroupLite {
  id: string;
  name: string;
}

const GROUP_ID = /^00g[A-Za-z0-9]{17}$/;

function lite(group: unknown): OktaGroupLite {
  const g = group as { id?: string; profile?: { name?: string } };
  return { id: String(g.id), name: String(g.profile?.name ?? '') };
}

/** By id (00g...), else by exact name (Okta's q matches a prefix; the name is compared here). */
export async function findGroup(client: OktaClient, nameOrId: string): Promise<OktaGroupLite | undefined> {
  if (GROUP_ID.test(nameOrId)) {
    const byId = await oktaFind('read the Okta group', () =>
      client.call('GET', `/api/v1/groups/${encodeURIComponent(nameOrId)}`),
    );
    if (byId) return lite(byId);
  }
  const groups = await oktaCall('list Okta groups', 'GET', () =>
    all(client.list<unknown>('/api/v1/groups', { q: nameOrId, limit: 200 })),
  );
  const exact = groups.map(lite).filter((g) => g.name === nameOrId);
  if (exact.length) return exact[0];
  const folded = groups.map(lite).filter((g) => g.name.toLowerCase() === nameOrId.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/** Creates the group; one whose answer was lost (a 5xx, a dropped connection) is looked for before trying again. */
export async function createGroup(client: OktaClient, name: string, description?: string): Promise<OktaGroupLite> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const group = await client.call('POST', '/api/v1/groups', {
        body: { profile: { name, ...(description ? { description } : {}) } },
      });
      return lite(group);
    } catch (error) {
      if (createOutcomeUnknown(error) && attempt < 4) {
        const existing = await findGroup(client, name);
        if (existing) return existing;
        continue;
      }
      throw mapOktaError(error, `create the Okta group ${name}`, 'POST');
    }
  }
}

interface GroupMember {
  id: string;
  login: string;
}

/** The group's members, a page at a time (never the whole group in memory); only the id and the login are kept. */
export async function* groupMembers(client: OktaClient, groupId: string, pageSize = 1000): AsyncGenerator<GroupMember> {
  const users = client.list<{ id?: unknown; profile?: { login?: unknown } }>(
    `/api/v1/groups/${encodeURIComponent(groupId)}/users`,
    { limit: pageSize },
  );
  for (;;) {
    const next = await oktaCall('list the members of the Okta group', 'GET', () => users.next());
    if (next.done) return;
    const u = next.value;
    if (typeof u?.id === 'string')
      yield { id: u.id, login: typeof u.profile?.login === 'string' ? u.profile.login : '' };
  }
}

export async function addToGroup(client: OktaClient, groupId: string, userId: string): Promise<void> {
  await oktaCall('add a user to the Okta group', 'PUT', () =>
    oktaJson(client, 'PUT', `/api/v1/groups/${encodeURIComponent(groupId)}/users/${encodeURIComponent(userId)}`),
  );
}

export async function removeFromGroup(client: OktaClient, groupId: string, userId: string): Promise<boolean> {
  const done = await oktaFind('remove a user from the Okta group', async () => {
    await oktaJson(
      client,
      'DELETE',
      `/api/v1/groups/${encodeURIComponent(groupId)}/users/${encodeURIComponent(userId)}`,
    );
    return true;
  });
  return done === true;
}
