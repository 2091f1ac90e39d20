import { ConflictError } from '../../errors.js';
import { secretRefs } from '../../secrets/refs.js';
import { auth0Find, mapAuth0Error, statusOf, type Auth0Management } from '../client.js';
import { getClient, type GrantLike, type ResourceServerLike } from '../resources/objects.js';
import type { Auth0ApplyContext } from './apply.js';
import { clientIsMarked, notThisAuth0Setup } from './ownership.js';
import type { Auth0PlanItem } from './plan.js';
import type { Auth0State } from './state.js';

type MadeKey = keyof NonNullable<Auth0State['made']>;

/**
 * The objects the state records, grant first and the API last, each with the key that says whether init made it.
 * The grant and the application are named as the plan shows them: `grant` and `application`.
 */
function recordedObjects(
  state: Auth0State,
  names: { grant: string; application: string },
): Array<{ made: MadeKey; kind: Auth0PlanItem['kind']; name: string; id: string | undefined }> {
  return [
    { made: 'clientGrant', kind: 'client grant', name: names.grant, id: state.clientGrantId },
    { made: 'client', kind: 'application', name: names.application, id: state.clientId },
    { made: 'resourceServer', kind: 'resource server', name: state.audience ?? '', id: state.resourceServerId },
  ];
}

/** What existed before init and was only taken over: destroy leaves it. */
export function keptByDestroy(state: Auth0State): Auth0PlanItem[] {
  return recordedObjects(state, { grant: state.audience ?? '', application: state.spec?.name ?? '' })
    .filter((o) => o.id && state.made?.[o.made] === false)
    .map(({ kind, name, id }) => ({ kind, name, id, action: 'unchanged', ownership: 'adopted', changes: [] }));
}

/** What destroy would remove: only what the state records as made by init, grant first, the API last. */
export function destroyPlan(state: Auth0State): Auth0PlanItem[] {
  const name = state.spec?.name ?? state.clientId ?? '';
  return recordedObjects(state, { grant: `${name} -> ${state.audience ?? ''}`, application: name })
    .filter((o) => o.id && state.made?.[o.made] !== false)
    .map(({ kind, name, id }) => ({ kind, name, id, action: 'delete', ownership: 'ours', changes: [] }));
}

/**
 * Reads every object destroy would delete before anything is deleted: the application must be the setup's (its
 * name) and carry okta-m2m's marker, the API must have the spec's identifier and name, the grant the setup's
 * application and audience. The state's `made` flags are not enough: a state file is data. One that does not match
 * is a ConflictError naming it, and nothing is deleted; one already gone is left to destroy (it says so).
 */
export async function checkDestroyTargets(mgmt: Auth0Management, state: Auth0State): Promise<void> {
  const items = destroyPlan(state);
  if (items.length === 0) return;
  const spec = state.spec;
  if (!spec) {
    throw new ConflictError(
      `The project state names Auth0 objects (${items.map((i) => i.id).join(', ')}) but not the setup they belong to; nothing was deleted.`,
      { hint: 'Restore the state file (.okta-m2m/state.json), or delete them in the Auth0 Dashboard.' },
    );
  }
  const idOf = (kind: Auth0PlanItem['kind']) => items.find((i) => i.kind === kind)?.id;
  const [clientId, apiId, grantId] = [idOf('application'), idOf('resource server'), idOf('client grant')];
  // Read at once, judged in a fixed order (the application, the API, the grant), so the message is always the same.
  const [client, rs, grant] = await Promise.all([
    clientId ? getClient(mgmt, clientId) : undefined,
    apiId
      ? (auth0Find('read the API', () => mgmt.sdk.resourceServers.get(apiId)) as Promise<
          ResourceServerLike | undefined
        >)
      : undefined,
    grantId
      ? (auth0Find('read the client grant', () => mgmt.sdk.clientGrants.get(grantId)) as Promise<GrantLike | undefined>)
      : undefined,
  ]);
  if (client && clientId) {
    if (client.name !== spec.name)
      throw notThisAuth0Setup('application', clientId, `"${client.name ?? ''}"`, `"${spec.name}"`);
    if (!clientIsMarked(client)) {
      throw new ConflictError(
        `The application "${spec.name}" (${clientId}) has no okta-m2m marker (client_metadata "okta-m2m"): okta-m2m did not make it; nothing was deleted.`,
        {
          hint:
            'If the state file is from another setup, restore it. If okta-m2m made the application before it marked what it makes, ' +
            `add the application metadata okta-m2m = ${spec.name} in the Auth0 Dashboard (Settings > Advanced Settings) and run destroy again.`,
        },
      );
    }
  }
  if (rs && apiId && (rs.identifier !== spec.audience || rs.name !== spec.name))
    throw notThisAuth0Setup('API', apiId, `"${rs.name ?? ''}" (${rs.identifier})`, `"${spec.name}" (${spec.audience})`);
  if (grant && grantId && (grant.audience !== spec.audience || grant.client_id !== state.clientId))
    throw notThisAuth0Setup(
      'client grant',
      grantId,
      `${grant.client_id} -> ${grant.audience}`,
      `${state.clientId ?? '(no application)'} -> ${spec.audience}`,
    );
}

export async function destroy(ctx: Auth0ApplyContext, state: Auth0State): Promise<void> {
  const { mgmt, recorder } = ctx;
  const report = ctx.report ?? (() => undefined);
  const gone = async (what: string, call: () => Promise<unknown>): Promise<boolean> => {
    try {
      await call();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw mapAuth0Error(error, what);
    }
  };
  for (const item of destroyPlan(state)) {
    const id = item.id as string;
    if (item.kind === 'client grant') {
      const deleted = await gone('delete the client grant', () => mgmt.sdk.clientGrants.delete(id));
      await recorder.update({ clientGrantId: undefined });
      if (deleted) report({ kind: item.kind, name: item.name, action: 'deleted', id });
    } else if (item.kind === 'application') {
      const deleted = await gone('delete the application', () => mgmt.sdk.clients.delete(id));
      await ctx.secrets.delete(secretRefs.auth0ClientSecret(ctx.profile, id));
      await recorder.update({ clientId: undefined });
      if (deleted) report({ kind: item.kind, name: item.name, action: 'deleted', id });
    } else {
      const deleted = await gone('delete the API', () => mgmt.sdk.resourceServers.delete(id));
      await recorder.update({ resourceServerId: undefined });
      if (deleted) report({ kind: item.kind, name: item.name, action: 'deleted', id });
    }
  }
  await recorder.clear();
  await recorder.flush();
}
