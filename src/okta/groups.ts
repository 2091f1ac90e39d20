import type { OktaClient } from './client.js';
import { all } from './collect.js';
import { mapOktaError, oktaCall, oktaFind } from './errors.js';
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
    const byId = await oktaFind('read the Okta group', () => client.sdk.groupApi.getGroup({ groupId: nameOrId }));
    if (byId) return lite(byId);
  }
  const groups = await oktaCall('list Okta groups', 'GET', async () =>
    all<unknown>(await client.sdk.groupApi.listGroups({ q: nameOrId, limit: 200 })),
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
      const group = await client.sdk.groupApi.createGroup({ group: { profile: { name, ...(description ? { description } : {}) } } });
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

export interface GroupMember {
  id: string;
  login: string;
}

interface RawHttp {
  http(url: string, request: { method: string; headers: Record<string, string> }): Promise<{
    json(): Promise<unknown>;
    headers: { get(name: string): string | null };
  }>;
}

/** The URL of Link: rel="next", only when it stays on the org (the credentials go with it). */
export function nextLink(header: string | null, orgUrl: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (!match?.[1]) continue;
    try {
      const url = new URL(match[1], orgUrl);
      if (url.origin === new URL(orgUrl).origin) return url.href;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The group's members, a page at a time (never the whole group in memory). Through the SDK's own HTTP layer (its
 * authentication and our retrying executor) but without its model classes: a page of a thousand users is plain
 * JSON here, of which only the id and the login are kept.
 */
export async function* groupMembers(client: OktaClient, groupId: string, pageSize = 1000): AsyncGenerator<GroupMember> {
  const http = (client.sdk as unknown as { http: RawHttp }).http;
  let url: string | undefined = `${client.orgUrl}/api/v1/groups/${encodeURIComponent(groupId)}/users?limit=${pageSize}`;
  while (url) {
    const pageUrl: string = url;
    const { users, next } = await oktaCall('list the members of the Okta group', 'GET', async () => {
      const response = await http.http(pageUrl, { method: 'get', headers: { Accept: 'application/json' } });
      const body = await response.json();
      return { users: Array.isArray(body) ? (body as Array<{ id?: unknown; profile?: { login?: unknown } }>) : [], next: nextLink(response.headers.get('link'), client.orgUrl) };
    });
    for (const u of users) {
      if (typeof u?.id === 'string') yield { id: u.id, login: String(u.profile?.login ?? '') };
    }
    url = users.length ? next : undefined;
  }
}

export async function addToGroup(client: OktaClient, groupId: string, userId: string): Promise<void> {
  await oktaCall('add a user to the Okta group', 'PUT', () => oktaJson(client, 'PUT', `/api/v1/groups/${encodeURIComponent(groupId)}/users/${encodeURIComponent(userId)}`));
}

export async function removeFromGroup(client: OktaClient, groupId: string, userId: string): Promise<boolean> {
  const done = await oktaFind('remove a user from the Okta group', async () => {
    await oktaJson(client, 'DELETE', `/api/v1/groups/${encodeURIComponent(groupId)}/users/${encodeURIComponent(userId)}`);
    return true;
  });
  return done === true;
}
