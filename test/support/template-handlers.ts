/**
 * For a test file that calls the built Lambda handlers in this process (test/templates, test/security): the
 * handlers of the templates named, loaded from their built zips, with the SCIM API and the token endpoint they
 * call on loopback. The environment the file gives is set before its tests and put back after them, and
 * console.log (the handlers log a line a request) is muted meanwhile.
 */
import { exportJWK, generateKeyPair, type CryptoKey, type GenerateKeyPairResult, type JWK } from 'jose';
import { afterAll, beforeAll, vi } from 'vitest';
import {
  buildAndLoad,
  listen,
  setEnv,
  startScimServer,
  startTokenServer,
  type Handler,
  type Local,
  type ScimServer,
  type TokenServer,
} from './templates.js';

interface TemplateHandlers {
  /** The scim-bridge handler, when the file asked for it. */
  bridge: Handler;
  /** The token-hook handler, when the file asked for it. */
  hook: Handler;
  scim: ScimServer;
  tokens: TokenServer;
  /** A loopback server as templates.ts's listen() makes it, closed after the file. */
  listen: typeof listen;
}

type Template = 'scim-bridge' | 'token-hook';

/**
 * `environment` runs once the handlers are loaded and the servers listen (read them from its argument, start more
 * with its `listen`) and returns the variables the handlers read. Read the fields inside tests and hooks.
 */
export function useTemplateHandlers(
  templates: Template[],
  environment: (handlers: TemplateHandlers) => Promise<Record<string, string | undefined>>,
): TemplateHandlers {
  const servers: Local[] = [];
  const handlers = {
    listen: async (fn: Parameters<typeof listen>[0]) => {
      const local = await listen(fn);
      servers.push(local);
      return local;
    },
  } as TemplateHandlers;
  let restoreEnv: (() => void) | undefined;
  beforeAll(async () => {
    const [loaded, scim, tokens] = await Promise.all([
      Promise.all(templates.map((name) => buildAndLoad(name))),
      startScimServer(),
      startTokenServer(),
    ]);
    servers.push(scim, tokens);
    Object.assign(handlers, { scim, tokens });
    templates.forEach((name, i) => (handlers[name === 'scim-bridge' ? 'bridge' : 'hook'] = loaded[i]!.handler));
    restoreEnv = setEnv(await environment(handlers));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  }, 60_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    restoreEnv?.();
    await Promise.all(servers.map((server) => server.close()));
  });
  return handlers;
}

/** The handlers' environment for the servers above: both allowlisted, plain HTTP on loopback, 2 s upstream. */
export function allowlistedServers(handlers: TemplateHandlers): Record<string, string> {
  return {
    ALLOWED_HOSTS: handlers.scim.host,
    ALLOWED_TOKEN_HOSTS: handlers.tokens.host,
    ALLOW_INSECURE_LOOPBACK: '1',
    UPSTREAM_TIMEOUT_MS: '2000',
  };
}

interface SigningKey {
  privateKey: CryptoKey;
  /** The public half as the JWKS serves it (use: sig). */
  jwk: JWK;
}

/**
 * The built token-hook handler, and the keys a suite signs its assertions with: an RS256 and an ES256 key, whose
 * public halves (with these key ids) the suite's JWKS serves, and an RS256 key it does not serve.
 */
export async function tokenHookWithKeys(kids: {
  rsa: string;
  ec: string;
}): Promise<{ handler: Handler; rsa: SigningKey; ec: SigningKey; other: { privateKey: CryptoKey } }> {
  const [built, rsa, ec, other] = await Promise.all([
    buildAndLoad('token-hook'),
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('ES256', { extractable: true }),
    generateKeyPair('RS256', { extractable: true }),
  ]);
  const signing = async (pair: GenerateKeyPairResult, kid: string, alg: string) => ({
    privateKey: pair.privateKey,
    jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' },
  });
  return {
    handler: built.handler,
    rsa: await signing(rsa, kids.rsa, 'RS256'),
    ec: await signing(ec, kids.ec, 'ES256'),
    other: { privateKey: other.privateKey },
  };
}
