// The "emulator start" handler, loaded when it runs (registration and help text are in emulator.ts).
import type { Options } from './action.js';
import type { FaultKind } from './emulator.js';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { keyValues, readAll } from './handler-kit.js';

export async function start(ctx: Context, options: Options): Promise<void> {
  const host = String(options.host);
  if (!isLoopback(host)) ctx.ui.warn(`binding to ${host}: the emulator is reachable from other machines; its admin token is its only protection.`);
  const adminToken = options.adminTokenStdin ? (await readAll(ctx.io.stdin)).trim() : undefined;
  if (options.adminTokenStdin && !adminToken) throw new UsageError('stdin held no admin token.', { hint: 'Pipe the token in.' });

  const { startEmulator } = await import('../emulator/okta/index.js');
  const log = options.verbose ? (line: string) => ctx.ui.info(line) : undefined;
  const okta = await startEmulator({
    port: options.port as number,
    host,
    ...(options.state ? { statePath: String(options.state) } : {}),
    ...(options.seed !== undefined ? { seed: options.seed as number } : {}),
    ...(adminToken ? { adminToken } : {}),
    ...(options.latency !== undefined ? { latencyMs: options.latency as number } : {}),
    ...(options.faultRate !== undefined ? { faultRate: options.faultRate as number } : {}),
    ...(options.fault ? { faultKinds: options.fault as FaultKind[] } : {}),
    rateLimits: (options.rateLimits ?? 'developer') as 'workforce' | 'developer' | 'free' | 'off',
    ...(options.rateLimit !== undefined ? { rateLimitPerMinute: options.rateLimit as number } : {}),
    ...(log ? { log } : {}),
  });

  let auth0: Awaited<ReturnType<typeof import('../emulator/auth0/index.js')['startAuth0Emulator']>> | undefined;
  if (options.auth0) {
    const { startAuth0Emulator } = await import('../emulator/auth0/index.js');
    const roles = ((options.auth0Role as string[] | undefined) ?? []).map(parseRole);
    auth0 = await startAuth0Emulator({
      port: options.auth0Port as number,
      host,
      ...(options.state ? { statePath: `${String(options.state)}.auth0.json` } : {}),
      ...(roles.length ? { seedData: { roles } } : {}),
    });
  }

  const started = {
    orgUrl: okta.url,
    adminToken: okta.adminToken,
    ...(auth0
      ? {
          auth0: {
            url: auth0.url,
            domain: auth0.domain,
            tokenUrl: auth0.tokenUrl,
            managementAudience: auth0.managementAudience,
            managementClientId: auth0.managementClientId,
            managementClientSecret: auth0.managementClientSecret,
          },
        }
      : {}),
  };
  // The admin credentials of a local, throwaway org: printing them is the point of this command.
  if (ctx.ui.json) ctx.ui.secretResult(JSON.stringify(started));
  else {
    ctx.ui.secretResult(
      keyValues([
        ['Okta org URL', okta.url],
        ['admin API token (SSWS)', okta.adminToken],
        ['Auth0 tenant', auth0?.url],
        ['Auth0 management client id', auth0?.managementClientId],
        ['Auth0 management client secret', auth0?.managementClientSecret],
      ]),
    );
    ctx.ui.info(`\nConnect with: okta-m2m login --org-url ${okta.url} --api-token-stdin   (paste the token)`);
  }
  ctx.ui.progress('emulator running; Ctrl-C to stop');

  await new Promise<void>((resolve) => {
    // A server stops gracefully (state saved), unlike the launcher's immediate exit on Ctrl-C.
    process.removeAllListeners('SIGINT');
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all([okta.stop(), auth0?.stop()]);
  ctx.ui.progress('emulator stopped');
}

function parseRole(spec: string): { name: string; users: number } {
  const match = /^(.+):(\d{1,6})$/.exec(spec);
  if (!match) throw new UsageError(`--auth0-role "${spec}" is not NAME:COUNT.`, { hint: 'For example --auth0-role engineers:2000.' });
  return { name: match[1]!, users: Number(match[2]) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
