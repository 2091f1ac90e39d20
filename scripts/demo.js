#!/usr/bin/env node
// `npm run demo`: the whole product, end to end, against the embedded emulator, driving the built CLI as a user
// would. Each step prints the command it runs and a short result; any failing step stops the demo with a
// non-zero exit. Everything is throwaway (a temp config and project folder, the emulator's org, keychain entries
// removed by destroy and logout) and nothing leaves this machine.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { ORDERS_API, ORDERS_SCOPES, SERVE_TOKEN_HOOK } from '../test/support/example-commands.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'okta-m2m.js');
const work = await mkdtemp(join(tmpdir(), 'okta-m2m-demo-'));
// The built bin on PATH, as after "npm link": each step runs "okta-m2m ..." exactly as printed, and can be pasted.
const binDir = join(work, 'bin');
await mkdir(binDir);
await writeFile(join(binDir, 'okta-m2m'), `#!/bin/sh\nexec "${process.execPath}" "${cli}" "$@"\n`, { mode: 0o755 });
const env = {
  ...process.env,
  PATH: `${binDir}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH ?? ''}`,
  OKTA_M2M_CONFIG_DIR: join(work, 'config'),
  OKTA_M2M_PROFILE: 'demo',
  NO_COLOR: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
};
const launch = (args, stdio) =>
  process.platform === 'win32'
    ? spawn(process.execPath, [cli, ...args], { cwd: work, env, stdio })
    : spawn('okta-m2m', args, { cwd: work, env, stdio });
const tty = process.stdout.isTTY;
const bold = (text) => (tty ? `\u001b[1m${text}\u001b[22m` : text);
const dim = (text) => (tty ? `\u001b[2m${text}\u001b[22m` : text);
const background = [];
let step = 0;

const heading = (text) => process.stdout.write(`\n${bold(`${(step += 1)}. ${text}`)}\n`);
const show = (text) =>
  process.stdout.write(
    `${text
      .trimEnd()
      .split('\n')
      .map((line) => `   ${line}`)
      .join('\n')}\n`,
  );
const note = (text) => show(dim(text));

/** Runs `okta-m2m <args>` to completion; prints the command and (unless quiet) what it printed. */
function run(args, { input = '', quiet = false, label } = {}) {
  show(`$ okta-m2m ${label ?? args.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = launch(args, ['pipe', 'pipe', 'pipe']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`"okta-m2m ${label ?? args.join(' ')}" exited ${code}\n${stderr}`));
      if (!quiet && stdout.trim()) show(stdout);
      resolve(stdout.trim());
    });
    child.stdin.end(input);
  });
}

/** Starts a long-running `okta-m2m <args>` and resolves with its first line of stdout. */
function start(args, { label } = {}) {
  show(`$ okta-m2m ${label ?? args.join(' ')} &`);
  return new Promise((resolve, reject) => {
    const child = launch(args, ['ignore', 'pipe', 'pipe']);
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const onClose = (code) => reject(new Error(`"okta-m2m ${args.join(' ')}" exited ${code}\n${stderr}`));
    child.on('close', onClose);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!stdout.includes('\n')) return;
      child.off('close', onClose);
      const stop = () =>
        new Promise((done) => (child.exitCode !== null ? done() : (child.once('close', done), child.kill('SIGINT'))));
      background.push(stop);
      resolve({ line: stdout.split('\n')[0].trim(), stop });
    });
  });
}

/** A small SCIM server standing in for the app behind the bridge; it accepts only tokens the org signed. */
async function scimServer(issuer, audience) {
  const keys = createRemoteJWKSet(new URL(`${issuer}/v1/keys`));
  const seen = [];
  const server = createServer(async (req, res) => {
    try {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const { payload } = await jwtVerify(token, keys, { issuer, audience });
      seen.push(payload);
      res.writeHead(200, { 'Content-Type': 'application/scim+json' }).end(
        JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
          totalResults: 2,
          Resources: [
            { id: 'u1', userName: 'ada@example.com' },
            { id: 'u2', userName: 'alan@example.com' },
          ],
        }),
      );
    } catch {
      res.writeHead(401, { 'Content-Type': 'application/scim+json' }).end('{"status":"401"}');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  background.push(() => new Promise((resolve) => server.close(resolve)));
  return { host: `localhost:${server.address().port}`, seen };
}

try {
  heading('Start a local Okta org (the emulator)');
  const emulator = await start(['--json', 'emulator', 'start', '--port', '0']);
  const { orgUrl, adminToken } = JSON.parse(emulator.line);
  note(`org ${orgUrl}; its admin API token stays in this script`);

  heading('Connect to it (the API token from stdin, kept in the OS keychain)');
  await run(['login', '--org-url', orgUrl, '--api-token-stdin'], { input: adminToken });

  heading('Create the M2M setup: app, authorization server, scopes, access policy, rule');
  const initArgs = ['init', '--yes', ...ORDERS_API, ...ORDERS_SCOPES];
  const made = JSON.parse(await run(['--json', ...initArgs], { quiet: true }));
  show(
    ['client id', 'issuer', 'tokenEndpoint', 'audience', 'scopes']
      .map((key) => `${key.padEnd(14)} ${[made[key === 'client id' ? 'clientId' : key]].flat().join(' ')}`)
      .join('\n'),
  );
  note('(the client secret went to the keychain, not to a file or the screen)');

  heading('Run it again: nothing to change, nothing written');
  await run(initArgs, { quiet: true });
  note('plan: every object unchanged; zero write requests');

  heading('Get a token and look inside it');
  const token = await run(['token', 'get', '--raw'], { quiet: true });
  const claims = decodeJwt(token);
  note(`$ okta-m2m token get --raw | okta-m2m token decode -`);
  show(
    `iss ${claims.iss}\naud ${claims.aud}\nscp ${claims.scp.join(' ')}\ncid ${claims.cid}\nexpires in ${claims.exp - claims.iat} s`,
  );
  await run(['token', 'verify', '-', '--scope', 'orders:read'], {
    input: token,
    label: 'token verify - --scope orders:read',
  });

  heading('The SCIM bridge: a bridge token for an Okta SCIM app, and the bridge proxying a SCIM call');
  const scim = await scimServer(made.issuer, made.audience);
  note(`a SCIM server on ${scim.host} that accepts only tokens from ${made.issuer}`);
  const bridge = await start([
    'hook',
    'serve',
    'scim-bridge',
    '--out-dir',
    'build',
    '--env',
    `ALLOWED_HOSTS=${scim.host}`,
    '--env',
    `ALLOWED_TOKEN_HOSTS=${new URL(orgUrl).host}`,
    '--env',
    'ALLOW_INSECURE_LOOPBACK=1',
  ]);
  note(`the built scim-bridge bundle, served as a function URL at ${bridge.line}`);
  const encoded = JSON.parse(
    await run(
      [
        '--json',
        'scim-token',
        'encode',
        '--token-url',
        made.tokenEndpoint,
        '--client-id',
        made.clientId,
        '--scope',
        'orders:read',
        '--bridge-url',
        bridge.line,
        '--target',
        scim.host,
        '--scim-path',
        '/scim/v2',
      ],
      { quiet: true },
    ),
  );
  note(`bridge token: ${encoded.token.length} characters (it holds the client secret: not shown)`);
  show(`SCIM base URL for the Okta app: ${encoded.scimBaseUrl}`);
  await run(['scim-token', 'decode', '-'], { input: encoded.token });
  for (let call = 0; call < 3; call += 1) {
    const res = await fetch(`${encoded.scimBaseUrl}/Users`, { headers: { Authorization: `Bearer ${encoded.token}` } });
    const body = await res.json();
    show(`GET ${encoded.scimBaseUrl}/Users -> ${res.status}, ${body.totalResults} users`);
  }
  note(
    `the SCIM server saw ${scim.seen.length} calls with an access token for ${scim.seen[0]?.cid}; the bridge fetched one token and reused it`,
  );

  heading('On-behalf-of: the token hook adds the caller to a token, through Okta');
  await writeFile(join(work, 'policy.json'), JSON.stringify({ [made.clientId]: ['orders:read'] }));
  const hook = await start(SERVE_TOKEN_HOOK);
  note(`the built token-hook bundle at ${hook.line}, registered as the inline hook on init's rule`);
  /** `token get` through the hook, with this assertion in the token URL (`shown` in the printed command). */
  const onBehalfOf = (assertion, shown, options = {}) =>
    run(
      [
        'token',
        'get',
        '--raw',
        '--no-cache',
        '--scope',
        'orders:read',
        '--token-url',
        `${made.tokenEndpoint}?assertion=${assertion}`,
      ],
      { ...options, label: `token get --raw --scope orders:read --token-url '${shown}'` },
    );
  const onBehalf = await onBehalfOf(token, `${made.tokenEndpoint}?assertion=<the token from step 5>`, {
    quiet: true,
  });
  show(`act ${JSON.stringify(decodeJwt(onBehalf).act)}`);
  const denied = await onBehalfOf(`${token.slice(0, -4)}AAAA`, '...?assertion=<a forged token>').then(
    () => false,
    // Refused by the hook: Okta answers access_denied or, for a hook error, server_error naming the reason.
    (error) => /access_denied|token request was refused/.test(error.message),
  );
  if (!denied) throw new Error('a forged assertion was not refused');
  note('a forged assertion: refused by the hook (bad signature), no token');
  await hook.stop();
  await bridge.stop();

  heading('Status: the objects, drift, and whether a token can be minted');
  await run(['status']);

  heading('Remove everything init made');
  await run(['destroy', '--yes']);
  await run(['logout']);
  await emulator.stop();

  process.stdout.write(`\n${bold('demo finished: every step succeeded.')}\n`);
  process.stdout.write(
    [
      '',
      bold('What to try next'),
      '   npm link                                     okta-m2m on your PATH (or: npx okta-m2m ... from this folder)',
      '   okta-m2m emulator start                      a local org of your own; it prints the login to run',
      '   okta-m2m init                                the wizard: asks for a name, scopes and an audience',
      '   okta-m2m token get --curl                    the token request as a curl command (secret in a variable)',
      '   okta-m2m secret show --to-env-file .env      hand the consumer its client id and secret',
      '   okta-m2m profiles status                     which org, which credentials, and whether Okta accepts them',
      '   okta-m2m completion bash >> ~/.bashrc        completion (zsh and fish too)',
      '   okta-m2m --help                              every command, with examples',
      '',
    ].join('\n'),
  );
} catch (error) {
  process.stderr.write(`\ndemo failed: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  // Last started, first stopped: the hook servers unregister from the org before the org goes away.
  for (const stop of background.reverse()) await stop().catch(() => {});
  await rm(work, { recursive: true, force: true });
}
