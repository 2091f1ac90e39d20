// Run by auth0-tls.test.ts as a child process with NODE_EXTRA_CA_CERTS pointing at the emulator's certificate:
// the auth0 SDK exactly as a production client would configure it, nothing emulator-specific.
import { ManagementClient } from 'auth0';

const domain = process.env.AUTH0_DOMAIN;
const clientId = process.env.AUTH0_CLIENT_ID;
const clientSecret = process.env.AUTH0_CLIENT_SECRET;
const mgmt = new ManagementClient({ domain, clientId, clientSecret, maxRetries: 0 });
const rs = await mgmt.resourceServers.create({
  name: 'From child',
  identifier: 'urn:child',
  scopes: [{ value: 'x:y' }],
});
const clients = await mgmt.clients.list();
const roles = await mgmt.roles.list();
// auth0 v7 has no AuthenticationClient: the token request as a production client would send it, over https.
const response = await fetch(`https://${domain}/oauth/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    audience: `https://${domain}/api/v2/`,
  }),
});
const data = await response.json();
process.stdout.write(
  JSON.stringify({
    rs: rs.identifier,
    clients: clients.data.length,
    roles: roles.data.map((r) => r.name),
    tokenType: data.token_type,
  }),
);
