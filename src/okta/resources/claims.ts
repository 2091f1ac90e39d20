import { serverPath } from './authorization-servers.js';
import type { OktaClient } from '../client.js';
import { all } from '../collect.js';
import { oktaCall, oktaFind } from '../errors.js';
import type { OktaClaim } from '../types.js';

/** Custom claims of an authorization server (listAuthorizationServerClaims and the rest of its operations). */
const claimsPath = (authServerId: string) => `${serverPath(authServerId)}/claims`;
const claimPath = (authServerId: string, claimId: string) =>
  `${claimsPath(authServerId)}/${encodeURIComponent(claimId)}`;

export async function listClaims(client: OktaClient, authServerId: string): Promise<OktaClaim[]> {
  return oktaCall('list the claims', 'GET', () => all(client.list<OktaClaim>(claimsPath(authServerId))));
}

export async function createClaim(client: OktaClient, authServerId: string, claim: OktaClaim): Promise<OktaClaim> {
  return oktaCall(`create the claim ${claim.name}`, 'POST', () =>
    client.call<OktaClaim>('POST', claimsPath(authServerId), { body: claim }),
  );
}

export async function replaceClaim(
  client: OktaClient,
  authServerId: string,
  claimId: string,
  claim: OktaClaim,
): Promise<OktaClaim> {
  return oktaCall(`update the claim ${claim.name}`, 'PUT', () =>
    client.call<OktaClaim>('PUT', claimPath(authServerId, claimId), { body: claim }),
  );
}

export async function deleteClaim(client: OktaClient, authServerId: string, claimId: string): Promise<boolean> {
  return Boolean(
    await oktaFind('delete a claim', () => client.call('DELETE', claimPath(authServerId, claimId)).then(() => true)),
  );
}
