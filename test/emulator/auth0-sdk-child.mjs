// Run by auth0-tls.test.ts as a child process with NODE_EXTRA_CA_CERTS pointing at the emulator's certificate:
// the auth0 SDK exactly as a production client would configure it, nothing emulator-specific.
import { AuthenticationClient, ManagementClient } from 'auth0';

const domain = process.env.AUTH0_DOMAIN;
const clientId = process.env.AUTH0_CLIENT_ID;
const clientSecret = process.env.AUTH0_CLIENT_SECRET;
const mgmt = new ManagementClient({ domain, clientId, clientSecret, maxRetries: 0 });
const rs = await mgmt.resourceServers.create({ name: 'From child', identifier: 'urn:child', scopes: [{ value: 'x:y' }] });
const clients = await mgmt.clients.list();
const roles = await mgmt.roles.list();
const auth = new AuthenticationClient({ domain, clientId, clientSecret });
const { data } = await auth.oauth.clientCredentialsGrant({ audience: `https://${domain}/api/v2/` });
process.stdout.write(
  JSON.stringify({ rs: rs.identifier, clients: clients.data.length, roles: roles.data.map((r) => r.name), tokenType: data.token_type }),
);
