// What every Okta object with a lifecycle shares: activate, deactivate, delete. `what` names the object in errors
// ("the app", "a resource set"); a 404 on a deactivate or delete means it is already gone.
import type { OktaClient } from '../client.js';
import { oktaCall, oktaFind } from '../errors.js';

/** POST {path}/lifecycle/activate (activating an active object changes nothing, so it may be retried). */
export async function activateAt(client: OktaClient, path: string, what: string): Promise<void> {
  await oktaCall(`activate ${what}`, 'POST', () =>
    client.call('POST', `${path}/lifecycle/activate`, { idempotent: true }),
  );
}

/** POST {path}/lifecycle/deactivate; false when the object was already gone. */
export async function deactivateAt(client: OktaClient, path: string, what: string): Promise<boolean> {
  const done = await oktaFind(`deactivate ${what}`, () =>
    client.call('POST', `${path}/lifecycle/deactivate`, { idempotent: true }).then(() => true),
  );
  return Boolean(done);
}

/** DELETE {path}; false when the object was already gone. */
export async function deleteAt(client: OktaClient, path: string, what: string): Promise<boolean> {
  return Boolean(await oktaFind(`delete ${what}`, () => client.call('DELETE', path).then(() => true)));
}

/** Deactivates, then deletes (Okta deletes only an inactive app or server); false when it was already gone. */
export async function deactivateAndDeleteAt(client: OktaClient, path: string, what: string): Promise<boolean> {
  return (await deactivateAt(client, path, what)) && deleteAt(client, path, what);
}
