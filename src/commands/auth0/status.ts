import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { keyValues } from '../../ui/format.js';
import { examples } from '../define.js';
// Types only: the domain modules and the auth0 SDK load inside run.
import type { Auth0State } from '../../auth0/setup/state.js';

export const command = () =>
  new Command('status')
    .description('show the Auth0 connection, the scopes granted, and whether what init made still exists')
    .addHelpText('after', examples('okta-m2m auth0 status', 'okta-m2m auth0 status --json'));

export async function run(ctx: Context): Promise<void> {
  const [{ missingScopes }, setup, { readAuth0State }, { auth0Find }] = await Promise.all([
    import('../../auth0/scopes.js'),
    import('../../auth0/resources/objects.js'),
    import('../../auth0/setup/state.js'),
    import('../../auth0/client.js'),
  ]);
  const name = await ctx.profileName();
  const mgmt = await ctx.auth0();
  const token = await mgmt.tokens.get();
  const recorded: Auth0State | undefined = readAuth0State(await ctx.state(), name);
  const objects: Array<{ kind: string; id: string; exists: boolean }> = [];
  if (recorded && recorded.domain === mgmt.target.domain) {
    const { resourceServerId, clientId, clientGrantId } = recorded;
    if (resourceServerId)
      objects.push({
        kind: 'resource server',
        id: resourceServerId,
        exists: Boolean(await auth0Find('read the API', () => mgmt.sdk.resourceServers.get(resourceServerId))),
      });
    if (clientId)
      objects.push({ kind: 'application', id: clientId, exists: Boolean(await setup.getClient(mgmt, clientId)) });
    if (clientGrantId)
      objects.push({
        kind: 'client grant',
        id: clientGrantId,
        exists: Boolean(await auth0Find('read the client grant', () => mgmt.sdk.clientGrants.get(clientGrantId))),
      });
  }
  const value = {
    profile: name,
    domain: mgmt.target.domain,
    scopes: token.scopes,
    missingScopes: missingScopes(token.scopes),
    audience: recorded?.audience,
    clientId: recorded?.clientId,
    objects,
  };
  ctx.ui.result(value, (v) =>
    [
      keyValues([
        ['profile', v.profile],
        ['domain', v.domain],
        ['management scopes', v.scopes.join(' ') || '(none)'],
        ...Object.entries(v.missingScopes).map(([job, scopes]) => [`missing for ${job}`, scopes.join(' ')] as const),
        ['audience', v.audience],
        ['client id', v.clientId],
      ]),
      ...v.objects.map(
        (o) => `${o.exists ? '✓' : '✗'} ${o.kind} ${o.id}${o.exists ? '' : ' (missing: run "okta-m2m auth0 init")'}`,
      ),
      ...(recorded ? [] : ['no "auth0 init" recorded in this folder']),
    ].join('\n'),
  );
}
