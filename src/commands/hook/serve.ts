import { resolve } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { examples } from '../define.js';
import { collect, integer } from '../options.js';
import { TEMPLATE_ARGUMENT, buildFor, hookErrors, policyFromFile } from './shared.js';
import type { ServedHookRegistration } from '../../lambda/local-registration.js';

export const command = () =>
  new Command('serve')
    .description(
      'build a template and run the built bundle behind a local function-URL-like HTTP server (until Ctrl-C)',
    )
    .argument('<template>', TEMPLATE_ARGUMENT)
    .option('--port <port>', 'port (0 picks a free one)', integer(0, 65535), 0)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--env <NAME=VALUE>', "a variable of the handler's environment (repeatable)", collect)
    .option(
      '--hook-secret-stdin',
      'token-hook: read HOOK_SECRET (the secret Okta sends) from stdin, not the command line',
    )
    .option('--zip <file>', 'serve this built zip instead of building')
    .option('--out-dir <dir>', 'where the zip goes', 'build')
    .option(
      '--register',
      "token-hook: register it as Okta's inline hook on init's rule while it runs (removed on Ctrl-C)",
    )
    .option('--public-url <url>', 'token-hook with --register: the URL Okta calls, if not the local one (a tunnel)')
    .option('--policy-file <file>', 'token-hook with --register: JSON {"<calling client id>": ["scope", ...]}')
    .option(
      '--carry-claim <claim>',
      'token-hook with --register: an assertion claim to copy into the token (repeatable)',
      collect,
    )
    .option(
      '--hook-name <name>',
      'token-hook with --register: name of the Okta inline hook',
      'okta-m2m-token-hook-local',
    )
    .addHelpText(
      'after',
      `
With --register, the environment comes from what "okta-m2m init" made (ISSUER, AUDIENCE, JWKS_URL), --policy-file,
--carry-claim and --env; a fresh shared secret goes to both the served hook and Okta, and is printed nowhere.
${examples(
  'okta-m2m hook serve token-hook --register --policy-file policy.json     the on-behalf-of hook against the emulator',
  'okta-m2m hook serve scim-bridge --port 9000 --env ALLOWED_HOSTS=scim.example.com',
)}`,
    );

type ServeOptions = ReturnType<ReturnType<typeof command>['opts']>;

export async function run(ctx: Context, options: ServeOptions, template: string): Promise<void> {
  const envModule = await import('../../lambda/deploy-env.js');
  const register = Boolean(options.register);
  if (register && template !== 'token-hook') {
    throw new UsageError('--register is for token-hook.', { hint: 'The scim-bridge has no Okta side to register.' });
  }
  // Without --register, HOOK_SECRET is the user's own value for the served handler; with it, okta-m2m makes one.
  let env = envModule.parseEnvPairs(
    options.env,
    register ? { hint: '--register makes a fresh shared secret for both the served hook and Okta.' } : 'allow',
  );
  if (options.hookSecretStdin) {
    if (register)
      throw new UsageError('--hook-secret-stdin does not go with --register.', {
        hint: '--register makes a fresh shared secret.',
      });
    env[envModule.SECRET_VARIABLE] = await (
      await import('../secret-input.js')
    ).secretFromStdin(ctx, 'the hook secret', 'hook-secret-stdin');
  }
  if (env[envModule.SECRET_VARIABLE])
    (await import('../../secrets/redact.js')).registerSecret(env[envModule.SECRET_VARIABLE]);
  const { isLoopbackHost } = await import('../../scim/bridge-token.js');
  if (!isLoopbackHost(options.host)) {
    ctx.ui.warn(
      `binding to ${options.host}: the served ${template} is reachable from other machines; its shared secret (or allowlist) is its only protection.`,
    );
  }
  let secret: string | undefined;
  let okta: Awaited<ReturnType<typeof servedHookTarget>> | undefined;
  if (register) {
    okta = await servedHookTarget(ctx);
    secret = (await import('../../lambda/shared-secret.js')).newSharedSecret();
    const resolved = envModule.resolveEnvironment(
      'token-hook',
      undefined,
      { policy: await policyFromFile(ctx, options), carryClaims: options.carryClaim, env },
      okta.state,
      'serve',
    ).env;
    // The emulator's issuer is plain http on loopback; the template allows that only when told to.
    const loopbackHttp = /^http:\/\/(127\.|localhost|\[::1\])/.test(resolved.ISSUER ?? '');
    env = { ...resolved, ...(loopbackHttp ? { ALLOW_INSECURE_LOOPBACK: '1' } : {}), HOOK_SECRET: secret };
  }
  const bridgeKey =
    template === 'scim-bridge' ? await (await import('../../lambda/bridge-key.js')).servedBridgeKey(env) : undefined;
  if (bridgeKey) env = bridgeKey.env;
  const { serveHandler } = await import('../../lambda/serve.js');
  let zipPath: string;
  if (options.zip !== undefined) zipPath = resolve(ctx.io.cwd, options.zip);
  else zipPath = (await buildFor(ctx, template, options)).zipPath;
  const handle = await hookErrors(() =>
    serveHandler(zipPath, { port: options.port, host: options.host, env, functionName: template }),
  );
  let registration: ServedHookRegistration | undefined;
  try {
    if (okta && secret) {
      const uri = options.publicUrl ?? handle.url;
      ctx.ui.progress(`registering ${uri} as the inline hook "${options.hookName}" on init's rule ...`);
      registration = await okta.registration.registerServedHook(okta.client, {
        rule: okta.rule,
        setup: okta.state,
        name: options.hookName,
        uri,
        secret,
      });
    }
  } catch (error) {
    await handle.stop();
    throw error;
  }
  if (bridgeKey) {
    const { writeBridgeKeyRecord } = await import('../../scim/bridge-key-record.js');
    await writeBridgeKeyRecord(await ctx.state(), await ctx.profileName(), {
      kid: bridgeKey.kid,
      publicJwk: bridgeKey.publicJwk,
      source: 'hook serve',
      privateKeyIn: 'environment',
    });
    ctx.ui.progress(
      `bridge key ${bridgeKey.kid} (its private half only in this process); "okta-m2m scim-token encode --seal" seals to it`,
    );
  }
  const shownKey = bridgeKey ? { bridgeKey: { kid: bridgeKey.kid, publicJwk: bridgeKey.publicJwk } } : {};
  ctx.ui.result(
    { template, url: handle.url, zipPath, ...(registration ? { inlineHookId: registration.hookId } : {}), ...shownKey },
    (v) => v.url,
  );
  ctx.ui.progress(
    `serving ${template} (the built bundle ${zipPath})${registration ? ' as the Okta inline hook' : ''}; Ctrl-C to stop`,
  );
  await new Promise<void>((done) => {
    // A server stops gracefully, unlike the launcher's immediate exit on Ctrl-C.
    process.removeAllListeners('SIGINT');
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  if (registration) {
    ctx.ui.progress('removing the inline hook from Okta ...');
    // Shutting down must not fail on an org that went away first: say what is left behind instead.
    await registration.unregister().catch((error: unknown) => {
      ctx.ui.warn(
        `could not remove the inline hook ${registration.hookId} from Okta (${error instanceof Error ? error.message : String(error)}); ` +
          'remove it from the rule and delete it in the Okta admin console.',
      );
    });
  }
  await handle.stop();
  ctx.ui.progress('stopped');
}

/** What --register needs: init's rule, the Okta client of the profile, and the registration module. */
async function servedHookTarget(ctx: Context) {
  const [{ readOktaState }, registration] = await Promise.all([
    import('../../okta/setup/state.js'),
    import('../../lambda/local-registration.js'),
  ]);
  const profile = await ctx.profileName();
  const state = readOktaState(await ctx.state(), profile);
  const rule = registration.initRule(state);
  const client = await ctx.okta();
  return { state, rule, client, registration };
}
