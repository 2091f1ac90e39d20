import { InvalidArgumentError, type Command } from 'commander';
import type { ActionFactory } from './action.js';
import { collect, collectList, lazy } from './action.js';
import { integer } from './numbers.js';

// The handlers and the hooks domain (esbuild, the AWS and Okta SDKs) load only when a hook command runs.
const run = () => import('./hook-run.js');

export const TEMPLATES = ['scim-bridge', 'token-hook'];
const RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs24.x'];
const ARCHITECTURES = ['arm64', 'x86_64'];

const DEPLOY_HELP = `
AWS credentials come from the standard chain (AWS_PROFILE after "aws sso login", AWS_ACCESS_KEY_ID/...,
a role); the region from --region, else what the last deploy recorded, else AWS_REGION.

What it makes: an IAM role trusted by Lambda with AWSLambdaBasicExecutionRole (only when missing), the function
(${RUNTIMES.join(' | ')}, handler index.handler), a function URL with AuthType NONE and the resource policy that
lets it be called. The code is uploaded only when the zip's SHA-256 differs from the function's CodeSha256, the
configuration only when it differs: a re-deploy with nothing changed makes no write call. --dry-run shows the plan.

Environment, per variable: a flag, else what the function already has, else what "okta-m2m init" recorded;
--env NAME= (empty) removes a variable.

token-hook: ISSUER, AUDIENCE (default: init's authorization server), JWKS_URL, POLICY (--policy-file, required
the first time), CARRY_CLAIMS; the shared secret HOOK_SECRET is generated once (32 random bytes), kept in the
keychain and reused; --rotate-secret makes a new one. The Okta token inline hook is created or updated with the
function URL and the secret, and attached to init's policy rule (--no-okta skips Okta).

scim-bridge: ALLOWED_HOSTS (--allowed-host, required the first time), ALLOWED_TOKEN_HOSTS (default: the allowed
hosts and init's org). Prints the SCIM base URL for the Okta app and the scim-token command for its token.

Examples:
  $ okta-m2m hook deploy token-hook --region eu-west-1 --policy-file policy.json
  $ okta-m2m hook deploy scim-bridge --region eu-west-1 --allowed-host scim.example.com
  $ okta-m2m hook deploy token-hook --dry-run
`;

export function registerHook(program: Command, action: ActionFactory): void {
  const group = program.command('hook').description('build, serve and deploy the Lambda templates (scim-bridge, token-hook)');

  group
    .command('build')
    .description('bundle a template and zip it deterministically; prints the path, size and SHA-256')
    .argument('<template>', TEMPLATES.join(' or '))
    .option('--out-dir <dir>', 'where the zip goes', 'build')
    .action(action(lazy(run, (m) => m.build)));

  group
    .command('serve')
    .description('build a template and run the built bundle behind a local function-URL-like HTTP server (until Ctrl-C)')
    .argument('<template>', TEMPLATES.join(' or '))
    .option('--port <port>', 'port (0 picks a free one)', integer(0, 65535), 0)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--env <NAME=VALUE>', "a variable of the handler's environment (repeatable)", collect)
    .option('--hook-secret-stdin', "token-hook: read HOOK_SECRET (the secret Okta sends) from stdin, not the command line")
    .option('--zip <file>', 'serve this built zip instead of building')
    .option('--out-dir <dir>', 'where the zip goes', 'build')
    .option('--register', "token-hook: register it as Okta's inline hook on init's rule while it runs (removed on Ctrl-C)")
    .option('--public-url <url>', 'token-hook with --register: the URL Okta calls, if not the local one (a tunnel)')
    .option('--policy-file <file>', 'token-hook with --register: JSON {"<calling client id>": ["scope", ...]}')
    .option('--carry-claim <claim>', 'token-hook with --register: an assertion claim to copy into the token (repeatable)', collect)
    .option('--hook-name <name>', 'token-hook with --register: name of the Okta inline hook', 'okta-m2m-token-hook-local')
    .addHelpText(
      'after',
      `
With --register, the environment comes from what "okta-m2m init" made (ISSUER, AUDIENCE, JWKS_URL), --policy-file,
--carry-claim and --env; a fresh shared secret goes to both the served hook and Okta, and is printed nowhere.

Example (the on-behalf-of hook against the emulator):
  $ okta-m2m hook serve token-hook --register --policy-file policy.json
`,
    )
    .action(action(lazy(run, (m) => m.serve)));

  group
    .command('deploy')
    .description('deploy a template to AWS Lambda behind a function URL (and, for token-hook, register it in Okta)')
    .argument('<template>', TEMPLATES.join(' or '))
    .option('--region <region>', 'AWS region')
    .option('--function-name <name>', 'Lambda function name (default okta-m2m-<template>, with the profile unless default)')
    .option('--role-name <name>', 'execution role to create or reuse (default <function name>-role)')
    .option('--role-arn <arn>', 'an existing execution role to use as is (not created, changed or deleted)')
    .option('--runtime <runtime>', RUNTIMES.join(', '), choice(RUNTIMES, '--runtime'), 'nodejs22.x')
    .option('--arch <arch>', ARCHITECTURES.join(' or '), choice(ARCHITECTURES, '--arch'), 'arm64')
    .option('--memory <mb>', 'memory in MB (default 256)', integer(128, 10240))
    .option('--timeout <seconds>', 'timeout (default: token-hook 5, scim-bridge 30)', integer(1, 900))
    .option('--allowed-host <host>', 'scim-bridge: a SCIM host the bridge may call (repeatable)', collectList)
    .option('--allowed-token-host <host>', "scim-bridge: a host the bridge token's token URL may use (repeatable)", collectList)
    .option('--issuer <url>', "token-hook: the assertion's issuer (default: init's authorization server)")
    .option('--audience <aud>', "token-hook: the assertion's audience (repeatable; default: init's)", collectList)
    .option('--jwks-url <url>', "token-hook: the issuer's keys (default: {issuer}/v1/keys for init's, else discovery)")
    .option('--policy-file <file>', 'token-hook: JSON {"<calling client id>": ["scope", ...]}')
    .option('--carry-claim <claim>', 'token-hook: an assertion claim to copy into the token (repeatable)', collectList)
    .option('--env <NAME=VALUE>', 'another variable for the function (repeatable; NAME= removes it)', collect)
    .option('--hook-name <name>', 'token-hook: name of the Okta inline hook (default: the function name)')
    .option('--rotate-secret', "token-hook: a new shared secret (the function's and Okta's)")
    .option('--no-okta', 'token-hook: deploy the function only; leave Okta alone')
    .option('--zip <file>', 'deploy this zip (made by "hook build") instead of building')
    .option('--out-dir <dir>', 'where the build puts the zip', 'build')
    .option('--dry-run', 'show what would be created or updated, change nothing')
    .addHelpText('after', DEPLOY_HELP)
    .action(action(lazy(run, (m) => m.deploy)));

  group
    .command('remove')
    .description('undo deploy: the inline hook (detached first), function URL, function, the role okta-m2m made, the secret')
    .argument('<template>', TEMPLATES.join(' or '))
    .option('--region <region>', 'AWS region (default: what deploy recorded)')
    .option('--function-name <name>', 'Lambda function name (default: what deploy recorded)')
    .option('--no-okta', 'token-hook: leave Okta alone')
    .action(action(lazy(run, (m) => m.remove)));
}

function choice(values: string[], flag: string) {
  return (value: string): string => {
    if (!values.includes(value)) throw new InvalidArgumentError(`${flag} must be one of ${values.join(', ')}.`);
    return value;
  };
}
