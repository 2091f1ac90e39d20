import { UsageError } from '../errors.js';
import { HttpClient, type HttpOptions } from '../http/client.js';

/** What Okta's unauthenticated org document says (getWellknownOrgMetadata). */
interface OktaOrgMetadata {
  id: string;
  pipeline?: string;
}

/**
 * Asks `orgUrl` for `/.well-known/okta-organization` (unauthenticated, served by every Okta org) and refuses a server
 * that does not answer it as Okta does, before any credential is sent there: a mistyped URL, a web server or a
 * proxy's login page must not receive an API token or a client assertion.
 */
export async function verifyOktaOrg(orgUrl: string, options: HttpOptions = {}): Promise<OktaOrgMetadata> {
  const http = new HttpClient(options);
  const response = await http.request({
    url: `${orgUrl}/.well-known/okta-organization`,
    headers: { accept: 'application/json' },
    what: 'the Okta org check',
    maxBytes: 64 * 1024,
  });
  const body = response.status === 200 ? response.json() : undefined;
  const id = (body as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !/^00o[A-Za-z0-9]+$/.test(id)) {
    throw new UsageError(
      `${orgUrl} does not answer as an Okta org (no Okta org document at /.well-known/okta-organization); no credential was sent.`,
      {
        hint: "Check --org-url: it is the org address such as https://acme.okta.com (or the emulator's URL), not an app or admin page.",
        requestId: response.requestId,
      },
    );
  }
  const pipeline = (body as { pipeline?: unknown }).pipeline;
  return { id, ...(typeof pipeline === 'string' ? { pipeline } : {}) };
}
