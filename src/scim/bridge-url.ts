/** The SCIM base URL an Okta SCIM app needs: `{function URL}/{target host}/{SCIM base path}`. */
export const DEFAULT_SCIM_PATH = '/services/scim/v2';

export class BridgeUrlError extends Error {
  override readonly name = 'BridgeUrlError';
}

export function bridgeBaseUrl(functionUrl: string, targetHost: string, scimPath: string = DEFAULT_SCIM_PATH): string {
  let base: URL;
  try {
    base = new URL(functionUrl);
  } catch {
    throw new BridgeUrlError(`the bridge URL "${functionUrl}" is not a URL`);
  }
  if (base.protocol !== 'https:' && base.hostname !== '127.0.0.1' && base.hostname !== 'localhost') {
    throw new BridgeUrlError('the bridge URL must use https');
  }
  if (base.search || base.hash) throw new BridgeUrlError('the bridge URL must not have a query or fragment');
  const host = targetHost.trim().toLowerCase();
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/.test(host)) {
    throw new BridgeUrlError(`"${targetHost}" is not a host name (give the host only, like scim.example.com)`);
  }
  const path = `/${scimPath.trim().replace(/^\/+|\/+$/g, '')}`;
  if (path.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new BridgeUrlError('the SCIM path must not contain "." or ".." segments');
  }
  return `${base.origin}${base.pathname.replace(/\/+$/, '')}/${host}${path === '/' ? '' : path}`;
}
