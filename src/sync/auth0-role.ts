import { type CliError, ConflictError, NotFoundError, UsageError } from '../errors.js';
import type { OktaClient } from '../okta/client.js';
import {
  addToGroup,
  createGroup,
  findGroup,
  groupMembers,
  removeFromGroup,
  type OktaGroupLite,
} from '../okta/resources/groups.js';
import { createOrFindUser, findUserByLogin } from '../okta/resources/users.js';
import { auth0Call, auth0Find, type Auth0Management } from '../auth0/client.js';
import { emailOf, mapUser, type FieldMap } from './mapping.js';
import { reasonKey } from './plan.js';

/**
 * `sync auth0-role`: an Auth0 role's users into an Okta group. Streams: the role is read a page at a time (checkpoint
 * pagination, the next page fetched while this one is worked on) with a bounded number of users in flight; all that
 * is kept for the whole run is two sets of lowercase logins (the group's members at the start, and the role's
 * members seen so far, for --prune and to spot two Auth0 users with one email). Idempotent: a user already in the
 * group costs no Okta request; a create refused because the login exists (or whose answer was lost) is looked up.
 */
interface SyncOptions {
  role: string;
  group: string;
  createGroup?: boolean;
  activate?: boolean;
  prune?: boolean;
  dryRun?: boolean;
  maps?: FieldMap[];
  /** Users worked on at once (default 8). */
  concurrency?: number;
  /** Role members per page (1-100, default 100). */
  pageSize?: number;
  onProgress?: (progress: SyncProgress) => void;
}

/** How many role members a run has read, and what became of them. */
interface SyncCounts {
  /** Role members read. */
  seen: number;
  /** Okta users created (each also added to the group). */
  created: number;
  /** Existing Okta users added to the group. */
  added: number;
  /** Already in the group. */
  unchanged: number;
  /** Removed from the group by --prune. */
  removed: number;
  skipped: number;
  failed: number;
}

const COUNTS = ['seen', 'created', 'added', 'unchanged', 'removed', 'skipped', 'failed'] as const;

function countsOf(value: (count: keyof SyncCounts) => number): SyncCounts {
  return Object.fromEntries(COUNTS.map((count) => [count, value(count)])) as Record<keyof SyncCounts, number>;
}

export interface SyncProgress extends SyncCounts {
  phase: 'role' | 'prune';
}

export interface SyncIssue {
  userId?: string;
  email?: string;
  reason: string;
}

export interface SyncSummary extends SyncCounts {
  dryRun: boolean;
  role: { id: string; name: string };
  group: { id?: string; name: string; created: boolean };
  /** Skips and failures by reason, with a few examples each. */
  skippedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
  /** The first few logins of each kind of change. */
  examples: { created: string[]; added: string[]; removed: string[]; skipped: SyncIssue[]; failed: SyncIssue[] };
  pruneSkipped?: string;
}

const EXAMPLES = 20;

interface RoleMember {
  user_id?: string;
  email?: unknown;
  name?: unknown;
}

async function resolveRole(mgmt: Auth0Management, ref: string): Promise<{ id: string; name: string }> {
  if (/^rol_[A-Za-z0-9]+$/.test(ref)) {
    const byId = await auth0Find<{ id?: string; name?: string }>(`read the Auth0 role ${ref}`, () =>
      mgmt.sdk.roles.get(ref),
    );
    if (byId?.id) return { id: byId.id, name: String(byId.name ?? '') };
  }
  const roles = await auth0Call('list the Auth0 roles', async () => {
    const found: Array<{ id: string; name: string }> = [];
    let page = await mgmt.sdk.roles.list({ name_filter: ref, per_page: 100 });
    for (;;) {
      for (const r of page.data as Array<{ id?: string; name?: string }>)
        if (r.id) found.push({ id: r.id, name: String(r.name ?? '') });
      if (!page.hasNextPage() || page.data.length === 0) break;
      page = await page.getNextPage();
    }
    return found;
  });
  const exact = roles.filter((r) => r.name === ref);
  if (exact[0]) return exact[0];
  const folded = roles.filter((r) => r.name.toLowerCase() === ref.toLowerCase());
  if (folded.length === 1 && folded[0]) return folded[0];
  throw new NotFoundError(`Auth0 has no role "${ref}".`, {
    hint: roles.length
      ? `Roles with similar names: ${roles
          .slice(0, 5)
          .map((r) => r.name)
          .join(', ')}.`
      : 'Give the role name exactly as in Auth0 (User Management > Roles), or its id (rol_...).',
  });
}

/** Runs `work` over `items` with at most `limit` at once; the first error stops new work and is thrown. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: Error | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

/** Per-user problems are reported and the run goes on; anything else (auth, outages, rate limits) stops it. */
function isPerUser(error: unknown): error is CliError {
  return error instanceof UsageError || error instanceof NotFoundError || error instanceof ConflictError;
}

export async function syncRole(auth0: Auth0Management, okta: OktaClient, options: SyncOptions): Promise<SyncSummary> {
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
  const dryRun = Boolean(options.dryRun);
  const maps = options.maps ?? [];

  const role = await resolveRole(auth0, options.role);
  let group: OktaGroupLite | undefined = await findGroup(okta, options.group);
  let groupCreated = false;
  if (!group) {
    if (!options.createGroup) {
      throw new NotFoundError(`Okta has no group "${options.group}".`, {
        hint: 'Give the group name exactly, or its id (00g...); add --create-group to make it.',
      });
    }
    if (!dryRun)
      group = await createGroup(okta, options.group, `Members of the Auth0 role ${role.name} (synced by okta-m2m)`);
    groupCreated = true;
  }

  const summary: SyncSummary = {
    dryRun,
    role,
    group: { ...(group ? { id: group.id } : {}), name: group?.name ?? options.group, created: groupCreated },
    ...countsOf(() => 0),
    skippedByReason: {},
    failedByReason: {},
    examples: { created: [], added: [], removed: [], skipped: [], failed: [] },
  };
  const progress = (phase: SyncProgress['phase']) =>
    options.onProgress?.({
      phase,
      ...countsOf((count) => summary[count]),
    });
  const skip = (member: RoleMember, reason: string) => {
    summary.skipped += 1;
    summary.skippedByReason[reason] = (summary.skippedByReason[reason] ?? 0) + 1;
    if (summary.examples.skipped.length < EXAMPLES) summary.examples.skipped.push(issue(member, reason));
  };
  const fail = (member: RoleMember, reason: string) => {
    summary.failed += 1;
    const key = reasonKey(reason);
    summary.failedByReason[key] = (summary.failedByReason[key] ?? 0) + 1;
    if (summary.examples.failed.length < EXAMPLES) summary.examples.failed.push(issue(member, reason));
  };

  // The group's members now: lowercase logins only.
  const inGroup = new Set<string>();
  if (group) for await (const member of groupMembers(okta, group.id)) inGroup.add(member.login.toLowerCase());
  const groupId = group?.id;

  // Every login of the role seen so far (for --prune, and to spot duplicates).
  const inRole = new Set<string>();

  const handle = async (member: RoleMember): Promise<void> => {
    summary.seen += 1;
    const email = emailOf(member);
    if (!email) {
      skip(
        member,
        member.email === undefined || member.email === null || member.email === ''
          ? 'no email'
          : 'email is not a valid address',
      );
      return;
    }
    const key = email.toLowerCase();
    if (inRole.has(key)) {
      skip(member, 'another user in the role has the same email');
      return;
    }
    inRole.add(key);
    if (inGroup.has(key)) {
      summary.unchanged += 1;
      return;
    }
    try {
      const addExisting = async (id: string) => {
        if (!dryRun && groupId) await addToGroup(okta, groupId, id);
        inGroup.add(key);
        summary.added += 1;
        if (summary.examples.added.length < EXAMPLES) summary.examples.added.push(email);
      };
      // A dry run looks the user up first (reads only); a real run tries the create first, and a create refused
      // because the login exists is looked up: one Okta request fewer per new user.
      if (dryRun) {
        const existing = await findUserByLogin(okta, email);
        if (existing) return addExisting(existing.id);
      }
      const userId = member.user_id;
      const full = userId
        ? await auth0Find<Record<string, unknown>>(`read the Auth0 user ${userId}`, () => auth0.sdk.users.get(userId))
        : undefined;
      const mapped = full
        ? mapUser({ ...full, email: full.email ?? member.email }, maps)
        : { ok: false as const, reason: 'the Auth0 user disappeared during the sync' };
      if (!mapped.ok) {
        // An Okta user with this login needs no mapping to join the group.
        const existing = dryRun ? undefined : await findUserByLogin(okta, email);
        if (existing) return addExisting(existing.id);
        skip(member, mapped.reason);
        return;
      }
      if (dryRun) {
        summary.created += 1;
        if (summary.examples.created.length < EXAMPLES) summary.examples.created.push(email);
        return;
      }
      const { user, created } = await createOrFindUser(okta, mapped.profile, Boolean(options.activate));
      if (!created) return addExisting(user.id);
      if (groupId) await addToGroup(okta, groupId, user.id);
      inGroup.add(key);
      summary.created += 1;
      if (summary.examples.created.length < EXAMPLES) summary.examples.created.push(email);
    } catch (error) {
      if (!isPerUser(error)) throw error;
      fail(member, error.message);
    }
  };

  // The role, page by page; the next page is on its way while this one is worked on.
  type Page = Awaited<ReturnType<Auth0Management['sdk']['roles']['users']['list']>>;
  const what = `list the users of the Auth0 role ${role.name}`;
  let page: Page | undefined = await auth0Call(what, () => auth0.sdk.roles.users.list(role.id, { take: pageSize }));
  while (page) {
    const current: Page = page;
    // The SDK's getNextPage loads into the same Page object: take this page's items before asking for the next.
    const members = current.data as RoleMember[];
    const more = current.hasNextPage() && members.length > 0;
    const nextPage: Promise<Page> | undefined = more ? auth0Call(what, () => current.getNextPage()) : undefined;
    nextPage?.catch(() => undefined);
    await pool(members, concurrency, async (member) => {
      await handle(member);
      progress('role');
    });
    page = nextPage ? await nextPage : undefined;
  }

  // --prune: members of the group who are not (or no longer) in the role.
  if (options.prune && groupId && !groupCreated) {
    if (summary.failed > 0) {
      summary.pruneSkipped = `${summary.failed} user(s) failed: nothing was removed, so that no one is removed by mistake`;
    } else {
      const leaving: Array<{ id: string; login: string }> = [];
      for await (const member of groupMembers(okta, groupId)) {
        if (!inRole.has(member.login.toLowerCase())) leaving.push(member);
      }
      await pool(leaving, concurrency, async (member) => {
        if (!dryRun) await removeFromGroup(okta, groupId, member.id);
        summary.removed += 1;
        if (summary.examples.removed.length < EXAMPLES) summary.examples.removed.push(member.login);
        progress('prune');
      });
    }
  }
  return summary;
}

function issue(member: RoleMember, reason: string): SyncIssue {
  const out: SyncIssue = { reason };
  if (member.user_id) out.userId = member.user_id;
  if (typeof member.email === 'string' && member.email) out.email = member.email;
  return out;
}
