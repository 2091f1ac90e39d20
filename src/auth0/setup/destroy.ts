import { secretRefs } from '../../secrets/refs.js';
import { mapAuth0Error, statusOf } from '../client.js';
import type { Auth0ApplyContext } from './apply.js';
import type { Auth0PlanItem } from './plan.js';
import type { Auth0State } from './state.js';

/** What existed before init and was only taken over: destroy leaves it. */
export function keptByDestroy(state: Auth0State): Auth0PlanItem[] {
  const items: Auth0PlanItem[] = [];
  if (state.clientGrantId && state.made?.clientGrant === false)
    items.push({
      kind: 'client grant',
      name: state.audience ?? '',
      id: state.clientGrantId,
      action: 'unchanged',
      ownership: 'adopted',
      changes: [],
    });
  if (state.clientId && state.made?.client === false)
    items.push({
      kind: 'application',
      name: state.spec?.name ?? '',
      id: state.clientId,
      action: 'unchanged',
      ownership: 'adopted',
      changes: [],
    });
  if (state.resourceServerId && state.made?.resourceServer === false)
    items.push({
      kind: 'resource server',
      name: state.audience ?? '',
      id: state.resourceServerId,
      action: 'unchanged',
      ownership: 'adopted',
      changes: [],
    });
  return items;
}

/** What destroy would remove: only what the state records as made by init, grant first, the API last. */
export function destroyPlan(state: Auth0State): Auth0PlanItem[] {
  const items: Auth0PlanItem[] = [];
  const name = state.spec?.name ?? state.clientId ?? '';
  const ours = (kind: keyof NonNullable<Auth0State['made']>) => state.made?.[kind] !== false;
  if (state.clientGrantId && ours('clientGrant'))
    items.push({
      kind: 'client grant',
      name: `${name} -> ${state.audience ?? ''}`,
      id: state.clientGrantId,
      action: 'delete',
      ownership: 'ours',
      changes: [],
    });
  if (state.clientId && ours('client'))
    items.push({ kind: 'application', name, id: state.clientId, action: 'delete', ownership: 'ours', changes: [] });
  if (state.resourceServerId && ours('resourceServer'))
    items.push({
      kind: 'resource server',
      name: state.audience ?? '',
      id: state.resourceServerId,
      action: 'delete',
      ownership: 'ours',
      changes: [],
    });
  return items;
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
