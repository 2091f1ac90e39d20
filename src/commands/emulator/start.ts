import { Command, Option } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { keyValues } from '../../ui/format.js';
import { readAll } from '../../ui/streams.js';
import { examples } from '../define.js';
import { collect, collectChoice, fraction, integer } from '../options.js';
import type { FaultKind, RateLimitPlan } from '../../emulator/okta/index.js';
import type { startAuth0Emulator } from '../../emulator/auth0/index.js';

// The emulator's RANDOM_FAULT_KINDS, restated here so that parsing the flags does not load the emulator.
const FAULT_KINDS = ['429', '500', 'drop'] as const satisfies readonly FaultKind[];
// The emulator's RATE_LIMIT_PLANS, restated for the same reason.
const RATE_LIMIT_PLANS = ['workforce', 'developer', 'free', 'off'] as const satisfies readonly RateLimitPlan[];

export const command = () =>
  new Command('start')
    .description('start the emulator; prints the org URL and an admin API token, runs until Ctrl-C')
    .option('--port <port>', 'port for the Okta org (0 picks a free one)', integer(0, 65535), 8707)
    .option('--host <host>', 'address to bind (loopback by default)', '127.0.0.1')
    .option('--state <file>', 'keep the org in this file (written atomically, mode 0600) and reload it at start')
    .option('--seed <n>', 'seed for fault decisions, so a failing case repeats', integer(0, 2 ** 31 - 1))
    .option('--admin-token-stdin', 'read the admin API token from stdin instead of generating one')
    .option('--latency <ms>', 'delay every management answer', integer(0, 60_000))
    .option('--fault-rate <rate>', 'chance of a fault on each management call (0 to 1)', fraction)
    .option(
      '--fault <kind>',
      `a kind of fault to inject: ${FAULT_KINDS.join(', ')} (repeatable)`,
      collectChoice(FAULT_KINDS),
    )
    .addOption(
      new Option('--rate-limits <plan>', "Okta's published rate limits of this org plan (off: none)")
        .choices(RATE_LIMIT_PLANS)
        .default('developer' as const),
    )
    .option(
      '--rate-limit <n>',
      "one per-minute limit for every endpoint family instead of the plan's",
      integer(1, 1_000_000),
    )
    .option('--auth0', 'also start an Auth0 tenant emulator')
    .option('--auth0-port <port>', 'port for the Auth0 tenant', integer(0, 65535), 8708)
    .option('--auth0-role <name:count>', 'seed an Auth0 role with that many users (repeatable)', collect)
    .option('--verbose', 'log each request (method, path, status) to stderr')
    .addHelpText(
      'after',
      examples(
        'okta-m2m emulator start --port 0 --json   # one JSON line: orgUrl, adminToken',
        'okta-m2m emulator start --auth0 --state emulator.json --verbose',
      ),
    );

type StartOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: StartOptions): Promise<void> {
  const host = options.host;
  if (!isLoopback(host))
    ctx.ui.warn(
      `binding to ${host}: the emulator is reachable from other machines; its admin token is its only protection.`,
    );
  const adminToken = options.adminTokenStdin ? (await readAll(ctx.io.stdin)).trim() : undefined;
  if (options.adminTokenStdin && !adminToken)
    throw new UsageError('stdin held no admin token.', { hint: 'Pipe the token in.' });

  const { startEmulator } = await import('../../emulator/okta/index.js');
  const log = options.verbose ? (line: string) => ctx.ui.info(line) : undefined;
  const okta = await listening('--port', options.port, () =>
    startEmulator({
      port: options.port,
      host,
      ...(options.state ? { statePath: options.state } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(adminToken ? { adminToken } : {}),
      ...(options.latency !== undefined ? { latencyMs: options.latency } : {}),
      ...(options.faultRate !== undefined ? { faultRate: options.faultRate } : {}),
      ...(options.fault ? { faultKinds: options.fault } : {}),
      rateLimits: options.rateLimits,
      ...(options.rateLimit !== undefined ? { rateLimitPerMinute: options.rateLimit } : {}),
      ...(log ? { log } : {}),
    }),
  );

  let auth0: Awaited<ReturnType<typeof startAuth0Emulator>> | undefined;
  if (options.auth0) {
    const { startAuth0Emulator } = await import('../../emulator/auth0/index.js');
    const roles = (options.auth0Role ?? []).map(parseRole);
    auth0 = await listening('--auth0-port', options.auth0Port, () =>
      startAuth0Emulator({
        port: options.auth0Port,
        host,
        ...(options.state ? { statePath: `${options.state}.auth0.json` } : {}),
        ...(roles.length ? { seedData: { roles } } : {}),
      }),
    ).catch(async (error: unknown) => {
      await okta.stop();
      throw error;
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
    ctx.ui.info(
      `\nConnect with: okta-m2m login --org-url ${okta.url}   (it asks for the admin API token: paste it)` +
        `\nIn a script:  okta-m2m login --org-url ${okta.url} --api-token-stdin < token.txt`,
    );
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

/** A busy port is a usage error naming the flag, not a raw EADDRINUSE. */
async function listening<T>(flag: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'EADDRINUSE') {
      throw new UsageError(`Port ${port} is already in use, so the emulator cannot listen there.`, {
        hint: `Stop what listens on it, or pass another ${flag} (${flag} 0 picks a free one).`,
        cause: error,
      });
    }
    if (code === 'EACCES') {
      throw new UsageError(`Port ${port} needs privileges this user does not have.`, {
        hint: `Pass ${flag} above 1023, or ${flag} 0.`,
        cause: error,
      });
    }
    throw error;
  }
}

function parseRole(spec: string): { name: string; users: number } {
  const match = /^(.+):(\d{1,6})$/.exec(spec);
  if (!match)
    throw new UsageError(`--auth0-role "${spec}" is not NAME:COUNT.`, {
      hint: 'For example --auth0-role engineers:2000.',
    });
  return { name: match[1]!, users: Number(match[2]) };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
