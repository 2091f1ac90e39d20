/**
 * Secret canaries: distinctive secrets (an API token, client secrets, a private key, bridge and hook secrets,
 * access tokens, an assertion) go through every command and output mode (--json, --debug, error paths, prompts
 * on a terminal, emulator start), and none may appear on stdout, stderr, in any file under the config and project
 * folders, in the emulator's request log, or in the Lambda templates' logs, except where the user asked for exactly
 * that value (token get prints the token; scim-token encode prints the bridge token; decode --show-secret; emulator
 * start prints its own admin token).
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { cliPath } from '../support/index.js';
import { secretToolLookup } from '../support/index.js';
import {
  filesUnder,
  describeWithKeychain,
  oktaEmulator,
  orgWorkspace,
  stopChild,
  type OrgWorkspace,
} from '../support/index.js';
import { ENTER, fakeTerminal } from '../support/index.js';
import { bridgeToken, buildAndLoad, json, listen, makeEvent, setEnv, type Handler } from '../support/templates.js';
import type { EmulatorHandle } from '../../src/emulator/okta/index.js';
import { memoryUi } from '../support/memory-ui.js';
import { credentialForms } from '../support/secret-forms.js';
import { scimTokenEncodeArgs } from '../support/scim-token.js';

const tag = Math.random().toString(36).slice(2, 10);
const CANARY = {
  apiToken: `00CanaryApiToken${tag}QwErTy0123456789`,
  badApiToken: `00CanaryBadApiToken${tag}ZxCv98765`,
  wrongClientSecret: `CanaryWrongClientSecret-${tag}-Uu7Yy6`,
  bridgeSecret: `CanaryBridgeSecret-${tag}-Pp0Oo9`,
  keyFileGarbage: `CanaryNotAKey-${tag}-Ll1Kk2`,
  assertion: `CanaryAssertion${tag}Mm3Nn4`,
  emulatorAdmin: `00CanaryEmulatorAdmin${tag}Bb5Vv6`,
  hookSecret: `CanaryHookSecret-${tag}-Gg7Hh8`,
};

interface Output {
  label: string;
  stdout: string;
  stderr: string;
  /** Secrets (by name, or name prefix) this output may show on stdout because the user asked for exactly them. */
  allowed: string[];
}

const outputs: Output[] = [];
/** name -> value; grows as the run learns secrets (client secrets, access tokens, private keys). */
const secrets = new Map<string, string>(Object.entries(CANARY));

function record(label: string, result: { stdout: string; stderr: string }, allowed: string[] = []): void {
  outputs.push({ label, stdout: result.stdout, stderr: result.stderr, allowed });
}

/** No form of any of `values` in these log lines; `message` names the log. */
function expectNoForms(logs: string[], values: string[], message: string): void {
  const all = logs.join('\n');
  for (const value of values)
    expect(
      credentialForms(value).filter((f) => all.includes(f)),
      message,
    ).toEqual([]);
}

function leaks(text: string, skip: string[] = []): string[] {
  const found: string[] = [];
  for (const [name, value] of secrets) {
    // An allowed name also allows its variants ("accessToken" covers every access token of this client).
    if (skip.some((allowed) => name === allowed || name.startsWith(`${allowed} `))) continue;
    if (credentialForms(value).some((form) => text.includes(form))) found.push(name);
  }
  return found;
}

describeWithKeychain('secret canaries', { timeout: 60_000 }, () => {
  let emu: EmulatorHandle;
  let ws: OrgWorkspace;
  let pkj: OrgWorkspace;
  let clientId: string;

  /**
   * `emulator start --json --port 0` and then `args`, as its own process with `input` on stdin, once it printed
   * its first line (or exited, or 30 s went by).
   */
  async function emulatorStart(args: string[], input?: string) {
    const child = spawn(process.execPath, [cliPath, '--json', 'emulator', 'start', '--port', '0', ...args], {
      env: { ...ws.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(input);
    const deadline = Date.now() + 30_000;
    while (!stdout.includes('\n') && Date.now() < deadline && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 20));
    return { child, stdout: () => stdout, stderr: () => stderr };
  }

  beforeAll(async () => {
    emu = await oktaEmulator({ adminToken: CANARY.apiToken });
    ws = await orgWorkspace('canary');
    pkj = await orgWorkspace('canary-pkj', { OKTA_M2M_API_TOKEN: CANARY.apiToken, OKTA_M2M_ORG_URL: '' });
  });

  afterAll(async () => {
    await ws?.run(['destroy', '--yes']);
    await pkj?.run(['destroy', '--yes']);
    await ws?.cleanup();
    await pkj?.cleanup();
    await emu?.stop();
  });

  it('login: a bad token (with --debug), the token typed at a prompt, a good token with --json and --debug', async () => {
    for (const flags of [[], ['--debug'], ['--json', '--debug']]) {
      const bad = await ws.run([...flags, 'login', '--org-url', emu.url, '--api-token-stdin'], CANARY.badApiToken);
      expect(bad.code, bad.stderr).toBe(1);
      record(`login bad token ${flags.join(' ')}`, bad);
    }
    // On a terminal: the token typed at the password prompt is never drawn.
    const term = fakeTerminal(ws.env, ws.dir);
    const running = term.run(['login', '--org-url', emu.url]);
    await term.answer(/Okta API token/, `${CANARY.apiToken}${ENTER}`);
    expect(await running, term.screen).toBe(0);
    expect(term.screen).toContain('*'.repeat(8));
    record('login at a prompt', { stdout: term.stdout, stderr: term.screen });
    const good = await ws.run(
      ['--json', '--debug', 'login', '--org-url', emu.url, '--api-token-stdin'],
      CANARY.apiToken,
    );
    expect(good.code, good.stderr).toBe(0);
    record('login --json --debug', good);
    expect(await secretToolLookup(`${ws.profile}/okta-api-token`)).toBe(CANARY.apiToken);
  });

  it('init, status, profiles: human, --json, --debug, --dry-run, and failures with --debug', async () => {
    // A failing init first: every management call answers 500, so the error and its cause chain are printed.
    emu.setFaults({ faultSchedule: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [i + 1, '500'])) });
    const failed = await ws.run(['--debug', 'init', '--yes', '--name', 'canary-api', '--scope', 'canary:read']);
    emu.clearFaults();
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/caused by|request id/);
    record('init failing --debug', failed);

    const init = await ws.run([
      '--json',
      '--debug',
      'init',
      '--yes',
      '--name',
      'canary-api',
      '--scope',
      'canary:read',
      '--save',
      'okta-m2m.json',
    ]);
    expect(init.code, init.stderr).toBe(0);
    record('init --json --debug', init);
    clientId = (await ws.state()).profiles[ws.profile].okta.clientId;
    const clientSecret = await secretToolLookup(`${ws.profile}/app:${clientId}`);
    expect(clientSecret).toBeTruthy();
    secrets.set('clientSecret', clientSecret!);

    for (const args of [
      ['init', '--yes', '--name', 'canary-api', '--scope', 'canary:read'],
      ['--json', 'init', '--dry-run', '--name', 'canary-api', '--scope', 'canary:read', '--scope', 'canary:write'],
      ['--debug', 'status'],
      ['--json', 'status'],
      ['status', '--no-token'],
      ['--json', 'profiles', 'list'],
    ]) {
      const result = await ws.run(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      record(args.join(' '), result);
    }
  });

  it('token get, decode and verify; a wrong secret, an unreachable endpoint and an assertion in the URL', async () => {
    const raw = await ws.run(['token', 'get']);
    expect(raw.code, raw.stderr).toBe(0);
    const accessToken = raw.stdout.trim();
    expect(accessToken).toMatch(/^eyJ/);
    secrets.set('accessToken', accessToken);
    record('token get (pipe)', raw, ['accessToken']);
    for (const args of [
      ['--json', 'token', 'get'],
      ['--debug', 'token', 'get', '--force', '--raw'],
      ['--json', '--debug', 'token', 'get', '--no-cache'],
    ]) {
      const result = await ws.run(args);
      expect(result.code, result.stderr).toBe(0);
      // The newly minted tokens are canaries for every other output too.
      const minted = args.includes('--json') ? JSON.parse(result.stdout).access_token : result.stdout.trim();
      secrets.set(`accessToken ${args.join(' ')}`, minted);
      record(args.join(' '), result, ['accessToken']);
    }
    const curl = await ws.run(['token', 'get', '--curl']);
    expect(curl.code).toBe(0);
    record('token get --curl', curl);
    for (const args of [
      ['token', 'decode', accessToken],
      ['--json', 'token', 'decode', accessToken],
      ['--debug', 'token', 'verify', accessToken],
    ]) {
      const result = await ws.run(args);
      expect(result.code, result.stderr).toBe(0);
      record(args.slice(0, -1).join(' '), result);
    }
    // Decode of a token read from stdin, with --debug.
    record('token decode - --debug', await ws.run(['--debug', 'token', 'decode', '-'], accessToken));

    // A wrong client secret: refused, and neither it nor anything else is echoed.
    for (const flags of [[], ['--debug'], ['--json', '--debug']]) {
      const wrong = await ws.run(
        [...flags, 'token', 'get', '--no-cache', '--client-secret-stdin'],
        CANARY.wrongClientSecret,
      );
      expect(wrong.code, wrong.stderr).toBe(1);
      record(`token get wrong secret ${flags.join(' ')}`, wrong);
    }
    // An endpoint that is not there, with the cause chain.
    const state = (await ws.state()).profiles[ws.profile].okta;
    // A client secret typed at the masked prompt on a terminal (wrong, so the error path too).
    const term = fakeTerminal(ws.env, ws.dir);
    const prompted = term.run([
      '--debug',
      'token',
      'get',
      '--no-cache',
      '--token-url',
      state.tokenEndpoint,
      '--client-id',
      '0oaNoSuchClient',
    ]);
    await term.answer(/Client secret of 0oaNoSuchClient/, `${CANARY.wrongClientSecret}${ENTER}`);
    expect(await prompted, term.screen).toBe(1);
    expect(term.screen).toContain('*'.repeat(8));
    record('token get, secret typed at a prompt --debug', { stdout: term.stdout, stderr: term.screen });
    const unreachable = await ws.run(
      [
        '--debug',
        'token',
        'get',
        '--no-cache',
        '--token-url',
        'http://127.0.0.1:9/oauth2/v1/token',
        '--client-id',
        clientId,
        '--client-secret-stdin',
      ],
      CANARY.wrongClientSecret,
    );
    expect(unreachable.code).toBe(1);
    record('token get unreachable --debug', unreachable);
    // The on-behalf-of pattern: an assertion in the token URL's query. The request log must not keep it.
    const withAssertion = await ws.run([
      '--debug',
      'token',
      'get',
      '--no-cache',
      '--token-url',
      `${state.tokenEndpoint}?assertion=${CANARY.assertion}`,
    ]);
    record('token get ?assertion= --debug', withAssertion, ['accessToken']);
    if (withAssertion.code === 0) secrets.set('accessToken assertion', withAssertion.stdout.trim());
    // A key file that is not a key: the error does not quote it.
    const keyFile = join(ws.dir, 'not-a-key.pem');
    await writeFile(keyFile, `-----BEGIN PRIVATE KEY-----\n${CANARY.keyFileGarbage}\n-----END PRIVATE KEY-----\n`, {
      mode: 0o600,
    });
    for (const args of [
      ['--debug', 'token', 'get', '--no-cache', '--auth-method', 'private_key_jwt', '--private-key-file', keyFile],
      ['--debug', 'login', '--oauth', '--org-url', emu.url, '--client-id', '0oa1', '--private-key-file', keyFile],
    ]) {
      const result = await ws.run(args);
      expect(result.code, result.stderr).not.toBe(0);
      record(args.slice(0, 4).join(' '), result);
    }
    await rm(keyFile);
  });

  it('scim-token encode and decode: the token only when asked, the secret only with --show-secret', async () => {
    const args = scimTokenEncodeArgs('https://acme.okta.com/oauth2/aus1/v1/token', '0oa1', '--client-secret-stdin');
    const encoded = await ws.run(args, CANARY.bridgeSecret);
    expect(encoded.code, encoded.stderr).toBe(0);
    const bridge = encoded.stdout.trim();
    secrets.set('bridgeToken', bridge);
    record('scim-token encode', encoded, ['bridgeToken', 'bridgeSecret']);
    const asJson = await ws.run(
      [
        '--json',
        '--debug',
        ...args,
        '--bridge-url',
        'https://abc.lambda-url.us-east-1.on.aws/',
        '--target',
        'scim.example.com',
      ],
      CANARY.bridgeSecret,
    );
    expect(asJson.code, asJson.stderr).toBe(0);
    record('scim-token encode --json --debug', asJson, ['bridgeToken', 'bridgeSecret']);
    const flag = await ws.run(
      scimTokenEncodeArgs('https://acme.okta.com/oauth2/aus1/v1/token', '0oa1', '--client-secret', CANARY.bridgeSecret),
    );
    expect(flag.stderr).toMatch(/shell history/);
    record('scim-token encode --client-secret', flag, ['bridgeToken', 'bridgeSecret']);

    for (const a of [
      ['scim-token', 'decode', bridge],
      ['--json', 'scim-token', 'decode', bridge],
      ['--debug', 'scim-token', 'decode', '-'],
    ]) {
      const result = await ws.run(a, bridge);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/\*\*\*\*/);
      record(a.slice(0, 3).join(' '), result);
    }
    const shown = await ws.run(['--json', 'scim-token', 'decode', '--show-secret', bridge]);
    expect(JSON.parse(shown.stdout).clientSecret).toBe(CANARY.bridgeSecret);
    record('scim-token decode --show-secret', shown, ['bridgeSecret']);
    // Broken tokens that carry the secret: the error never quotes it.
    for (const broken of [
      bridgeToken({ v: 1, clientId: 'x', clientSecret: CANARY.bridgeSecret }),
      bridgeToken({ v: 7, tokenUrl: 'https://a.example/t', clientId: 'x', clientSecret: CANARY.bridgeSecret }),
      bridgeToken({ v: 1, tokenUrl: 'ftp://a.example/t', clientId: 'x', clientSecret: CANARY.bridgeSecret }),
      Buffer.from(`{"v":1,"clientSecret":"${CANARY.bridgeSecret}"`).toString('base64'),
      `${CANARY.bridgeSecret}!!`,
    ]) {
      for (const flags of [[], ['--debug']]) {
        const result = await ws.run([...flags, 'scim-token', 'decode', broken]);
        expect(result.code).toBe(2);
        record(`scim-token decode broken ${flags.join(' ')}`, result);
      }
    }
  });

  it('private_key_jwt: the app key and the login key stay in the keychain', async () => {
    const login = await pkj.run(['--debug', 'login', '--org-url', emu.url]);
    expect(login.code, login.stderr).toBe(0);
    record('login from $OKTA_M2M_API_TOKEN --debug', login);
    const init = await pkj.run([
      '--debug',
      '--json',
      'init',
      '--yes',
      '--name',
      'canary-pkj',
      '--scope',
      'pkj:read',
      '--auth-method',
      'private_key_jwt',
    ]);
    expect(init.code, init.stderr).toBe(0);
    record('init private_key_jwt --json --debug', init);
    const pkjClient = (await pkj.state()).profiles[pkj.profile].okta.clientId;
    const key = await secretToolLookup(`${pkj.profile}/app-key:${pkjClient}`);
    expect(key).toMatch(/PRIVATE KEY/);
    secrets.set('appPrivateKey', key!);
    const token = await pkj.run(['--debug', 'token', 'get', '--raw']);
    expect(token.code, token.stderr).toBe(0);
    secrets.set('pkjAccessToken', token.stdout.trim());
    record('token get private_key_jwt --debug', token, ['pkjAccessToken']);
    record('status private_key_jwt --json', await pkj.run(['--json', '--debug', 'status']));

    /** `login --oauth --generate-key` to the emulator under the profile <pkj's>-gen, after `globals`. */
    const generateKeyLogin = (...globals: string[]) =>
      pkj.run([
        ...globals,
        '--profile',
        `${pkj.profile}-gen`,
        'login',
        '--oauth',
        '--org-url',
        emu.url,
        '--generate-key',
      ]);
    const generated = await generateKeyLogin('--json');
    expect(generated.code, generated.stderr).toBe(0);
    expect(JSON.parse(generated.stdout).publicJwk.kty).toBe('RSA');
    const loginKey = await secretToolLookup(`${pkj.profile}-gen/okta-private-key`);
    expect(loginKey).toBeTruthy();
    secrets.set('loginPrivateKey', loginKey!);
    record('login --oauth --generate-key --json', generated);
    const human = await generateKeyLogin();
    const humanKey = await secretToolLookup(`${pkj.profile}-gen/okta-private-key`);
    secrets.set('loginPrivateKey2', humanKey!);
    record('login --oauth --generate-key', human);
    await pkj.run(['--profile', `${pkj.profile}-gen`, 'logout']);
  });

  it('emulator start: its own admin token on stdout only, never in --verbose logs or on stderr', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'okta-m2m-canary-emu-'));
    try {
      const { child, stdout, stderr } = await emulatorStart(
        ['--verbose', '--admin-token-stdin', '--state', join(dir, 'org.json')],
        CANARY.emulatorAdmin,
      );
      const started = JSON.parse(stdout().split('\n')[0]!) as { orgUrl: string; adminToken: string };
      expect(started.adminToken).toBe(CANARY.emulatorAdmin);
      // Loopback only, unless told otherwise.
      expect(new URL(started.orgUrl).hostname).toBe('127.0.0.1');
      // Work that carries secrets: a bad token, then an app (its secret) and a token request with it.
      await fetch(`${started.orgUrl}/api/v1/apps`, { headers: { Authorization: `SSWS ${CANARY.badApiToken}` } });
      const res = await fetch(`${started.orgUrl}/api/v1/apps`, {
        method: 'POST',
        headers: { Authorization: `SSWS ${CANARY.emulatorAdmin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: 'oidc_client',
          label: 'canary-emu',
          signOnMode: 'OPENID_CONNECT',
          credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_post' } },
          settings: {
            oauthClient: {
              application_type: 'service',
              grant_types: ['client_credentials'],
              response_types: ['token'],
            },
          },
        }),
      });
      const app = (await res.json()) as { credentials: { oauthClient: { client_id: string; client_secret: string } } };
      secrets.set('emulatorAppSecret', app.credentials.oauthClient.client_secret);
      await fetch(`${started.orgUrl}/oauth2/v1/token?assertion=${CANARY.assertion}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${app.credentials.oauthClient.client_id}&client_secret=${app.credentials.oauthClient.client_secret}&scope=okta.apps.read`,
      });
      await stopChild(child, 'SIGINT');
      expect(stderr()).toMatch(/POST \/api\/v1\/apps/);
      record('emulator start --json --verbose', { stdout: stdout(), stderr: stderr() }, ['emulatorAdmin']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('emulator start binds loopback by default, and says so loudly when told to bind elsewhere', async () => {
    const {
      child,
      stdout: out,
      stderr: err,
    } = await emulatorStart(['--auth0', '--auth0-port', '0', '--host', '0.0.0.0']);
    // What this test checks is the output; a stop that hangs (seen twice in full runs, never alone) must not hang
    // it: Ctrl-C, then SIGKILL after 10 s, and the output asserted either way.
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await stopChild(child, 'SIGINT');
    clearTimeout(killer);
    const [stdout, stderr] = [out(), err()];
    expect(stdout, `stderr: ${stderr}`).toContain('\n');
    expect(stderr).toMatch(/warning: binding to 0\.0\.0\.0: the emulator is reachable from other machines/);
    const started = JSON.parse(stdout.split('\n')[0]!) as {
      adminToken: string;
      auth0: { managementClientSecret: string };
    };
    secrets.set('emulatorAdmin2', started.adminToken);
    secrets.set('auth0EmulatorSecret', started.auth0.managementClientSecret);
    record('emulator start --auth0 --host 0.0.0.0', { stdout, stderr }, ['emulatorAdmin2', 'auth0EmulatorSecret']);
  }, 60_000);

  it('no keychain reachable: login and init fail naming the variable, and write no secret anywhere (no plaintext fallback)', async () => {
    const noKeychain = await orgWorkspace('canary-nokeychain');
    try {
      const env = { ...noKeychain.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(noKeychain.dir, 'no-bus')}` };
      const { spawnCli } = await import('../support/index.js');
      const login = await spawnCli(['--debug', 'login', '--org-url', emu.url, '--api-token-stdin'], {
        env,
        cwd: noKeychain.dir,
        input: CANARY.apiToken,
      });
      expect(login.code, login.stderr).toBe(1);
      expect(login.stderr).toMatch(/keychain/i);
      expect(login.stderr).toMatch(/OKTA_M2M_API_TOKEN/);
      record('login without a keychain --debug', login);
      // With the API token from the environment, init must refuse before Okta makes a secret it could not keep.
      await mkdir(noKeychain.configDir, { recursive: true });
      await writeFile(
        join(noKeychain.configDir, 'profiles.json'),
        JSON.stringify({
          version: 1,
          current: noKeychain.profile,
          profiles: { [noKeychain.profile]: { orgUrl: emu.url, authMode: 'ssws' } },
        }),
      );
      const before = (await fetch(`${emu.url}/api/v1/apps?q=canary-nokeychain`, {
        headers: { Authorization: `SSWS ${CANARY.apiToken}` },
      }).then((r) => r.json())) as unknown[];
      const init = await spawnCli(['--debug', 'init', '--yes', '--name', 'canary-nokeychain', '--scope', 'n:read'], {
        env: { ...env, OKTA_M2M_API_TOKEN: CANARY.apiToken },
        cwd: noKeychain.dir,
      });
      expect(init.code, init.stderr).toBe(1);
      expect(init.stderr).toMatch(/OKTA_M2M_CLIENT_SECRET/);
      record('init without a keychain --debug', init);
      const after = (await fetch(`${emu.url}/api/v1/apps?q=canary-nokeychain`, {
        headers: { Authorization: `SSWS ${CANARY.apiToken}` },
      }).then((r) => r.json())) as unknown[];
      expect(after.length, 'no app (and so no secret) was made').toBe(before.length);
      const files = await filesUnder(noKeychain.dir);
      expect(files.flatMap(({ path, content: text }) => leaks(text).map((name) => `${path}: ${name}`))).toEqual([]);
    } finally {
      await noKeychain.cleanup();
    }
  }, 60_000);

  it('destroy and logout with --debug', async () => {
    for (const [w, args] of [
      [ws, ['--debug', 'destroy', '--yes']],
      [pkj, ['--json', 'destroy', '--yes']],
      [ws, ['--debug', 'logout']],
    ] as const) {
      const result = await w.run([...args]);
      expect(result.code, result.stderr).toBe(0);
      record(args.join(' '), result);
    }
    expect(await secretToolLookup(`${ws.profile}/app:${clientId}`)).toBeUndefined();
  });

  it('servers that echo the credentials back in their errors: redaction is the last line', async () => {
    // A misbehaving Okta and token endpoint that put what they were sent (Authorization header, form body) into
    // their error messages: the CLI prints those messages, so only redaction stands between them and the terminal.
    const echo = await listen((req, res, body) => {
      const said = `you sent ${req.headers.authorization ?? ''} with ${body.toString('utf8')}`;
      // It answers login's unauthenticated Okta check as an org does, so login goes on to send the token.
      if (req.url === '/.well-known/okta-organization') return json(res, 200, { id: '00oEchoOrg1', pipeline: 'idx' });
      if (req.url?.startsWith('/api/')) {
        return json(res, 401, {
          errorCode: 'E0000011',
          errorSummary: `Invalid token provided: ${said}`,
          errorCauses: [{ errorSummary: said }],
        });
      }
      return json(res, 401, { error: 'invalid_client', error_description: said });
    });
    try {
      const echoWs = await orgWorkspace('canary-echo');
      try {
        for (const flags of [[], ['--debug'], ['--json', '--debug']]) {
          const login = await echoWs.run(
            [...flags, 'login', '--org-url', `http://127.0.0.1:${echo.port}`, '--api-token-stdin'],
            CANARY.badApiToken,
          );
          expect(login.code).toBe(1);
          record(`login against an echoing org ${flags.join(' ')}`, login);
          const token = await echoWs.run(
            [
              ...flags,
              'token',
              'get',
              '--no-cache',
              '--auth-method',
              'client_secret_post',
              '--token-url',
              `${echo.url}/oauth2/v1/token`,
              '--client-id',
              '0oaEcho',
              '--client-secret-stdin',
            ],
            CANARY.wrongClientSecret,
          );
          expect(token.code).toBe(1);
          record(`token get against an echoing endpoint ${flags.join(' ')}`, token);
        }
        // The echo really reached the output path: the CLI showed the server's words, masked.
        const shown = outputs
          .filter((o) => o.label.includes('echoing'))
          .map((o) => o.stderr)
          .join('\n');
        expect(shown).toMatch(/\*\*\*\*/);
        expect(shown).toMatch(/you sent/);
      } finally {
        await echoWs.cleanup();
      }
    } finally {
      await echo.close();
    }
  });

  it('every channel of the Ui masks what it prints (result, out, info, progress, success, warn, debug, error)', async () => {
    const { registerSecret } = await import('../../src/secrets/redact.js');
    const { CliError } = await import('../../src/errors.js');
    const registered = `CanaryRegistered-${tag}-Jj4`;
    registerSecret(registered);
    secrets.set('uiRegistered', registered);
    const pem =
      secrets.get('appPrivateKey') ??
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----';
    const jwt =
      secrets.get('accessToken') ?? 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2ExIiwic2NwIjpbImEiXX0.c2lnbmF0dXJlLXZhbHVl';
    const payload = `${registered} SSWS ${CANARY.apiToken} Bearer ${jwt} client_secret=${CANARY.wrongClientSecret} ${pem} {"client_secret":"${CANARY.bridgeSecret}"}`;
    for (const json of [false, true]) {
      const { ui, out, err } = memoryUi(json, false);
      ui.result({ payload }, () => payload);
      ui.out(payload);
      ui.info(payload);
      ui.progress(payload);
      ui.success(payload);
      ui.warn(payload);
      ui.debug(payload);
      ui.error(new CliError(payload, { hint: payload, cause: new Error(payload, { cause: new Error(payload) }) }));
      ui.error(new TypeError(payload));
      record(`Ui channels json=${json}`, { stdout: out(), stderr: err() });
      expect(out().split('****').length).toBeGreaterThan(5);
    }
  });

  it('no canary on any stdout or stderr, except the value asked for', () => {
    expect(outputs.length).toBeGreaterThan(40);
    expect(secrets.size).toBeGreaterThanOrEqual(14);
    const found: string[] = [];
    for (const output of outputs) {
      for (const name of leaks(output.stdout, output.allowed)) found.push(`${output.label}: stdout shows ${name}`);
      for (const name of leaks(output.stderr)) found.push(`${output.label}: stderr shows ${name}`);
    }
    expect(found).toEqual([]);
  });

  it('no canary in any file under the config and project folders', async () => {
    const files = [...(await filesUnder(ws.dir)), ...(await filesUnder(pkj.dir))];
    expect(files.map(({ path }) => path).some((p) => p.endsWith('profiles.json'))).toBe(true);
    expect(files.map(({ path }) => path).some((p) => p.endsWith('okta-m2m.json'))).toBe(true);
    const found = files.flatMap(({ path, content: text }) => leaks(text).map((name) => `${path}: ${name}`));
    expect(found).toEqual([]);
  });

  it("no canary in the emulator's request log", () => {
    expect(emu.requestLog.length).toBeGreaterThan(20);
    expect(emu.requestLog.some((e) => e.path.includes('/v1/token'))).toBe(true);
    expect(leaks(JSON.stringify(emu.requestLog))).toEqual([]);
  });
});

describe("the Lambda templates' logs", () => {
  let bridge: Handler;
  let hook: Handler;
  const logs: string[] = [];
  let restore: () => void;

  beforeAll(async () => {
    [{ handler: bridge }, { handler: hook }] = await Promise.all([
      buildAndLoad('scim-bridge'),
      buildAndLoad('token-hook'),
    ]);
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' ')));
    vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(' ')));
  }, 60_000);
  afterAll(() => {
    vi.restoreAllMocks();
    restore?.();
  });

  it('scim-bridge: success and every refusal, with canary secrets and tokens', async () => {
    const accessToken = `CanaryUpstreamAccessToken-${tag}-Rr1`;
    let upstreamStatus = 200;
    const upstream = await listen((req, res) => {
      if (req.url?.startsWith('/token'))
        return json(res, upstreamStatus === 401 ? 401 : 200, {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: 600,
          error: 'invalid_client',
          error_description: CANARY.bridgeSecret,
        });
      res.writeHead(upstreamStatus, { 'content-type': 'application/scim+json', 'set-cookie': `s=${accessToken}` });
      res.end(JSON.stringify({ echo: req.headers.authorization }));
    });
    restore = setEnv({
      ALLOWED_HOSTS: upstream.host,
      ALLOWED_TOKEN_HOSTS: upstream.host,
      ALLOW_INSECURE_LOOPBACK: '1',
      MAX_BODY_BYTES: '2048',
    });
    try {
      const token = bridgeToken({
        v: 1,
        tokenUrl: `${upstream.url}/token`,
        clientId: 'canary-client',
        clientSecret: CANARY.bridgeSecret,
        scope: 'scim',
      });
      const call = (path: string, bearer: string | undefined, more: Record<string, unknown> = {}) =>
        bridge(
          makeEvent({ path, headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }, ...more }),
        );
      expect((await call(`/${upstream.host}/scim/v2/Users`, token)).statusCode).toBe(200);
      await call(`/${upstream.host}/scim/v2/Users`, token, {
        method: 'POST',
        body: JSON.stringify({ password: CANARY.bridgeSecret }),
      });
      await call(`/${upstream.host}/scim/v2/Users`, token, { method: 'POST', body: 'x'.repeat(4096) });
      await call(`/evil.example/scim/v2/Users?token=${CANARY.assertion}`, token);
      await call(`/${upstream.host}/scim/v2/Users?filter=${CANARY.assertion}`, token);
      await call(`/${upstream.host}/scim/v2/Users`, `${CANARY.bridgeSecret}not-base64!`);
      await call(
        `/${upstream.host}/scim/v2/Users`,
        bridgeToken({ v: 1, tokenUrl: 'https://evil.example/t', clientId: 'c', clientSecret: CANARY.bridgeSecret }),
      );
      upstreamStatus = 401;
      await call(
        `/${upstream.host}/scim/v2/Users`,
        bridgeToken({ v: 1, tokenUrl: `${upstream.url}/token`, clientId: 'other', clientSecret: CANARY.bridgeSecret }),
      );
      upstreamStatus = 500;
      await call(`/${upstream.host}/scim/v2/Users`, token);
      expect(logs.length).toBeGreaterThanOrEqual(9);
      expectNoForms(
        logs,
        [CANARY.bridgeSecret, accessToken, token, CANARY.assertion],
        'a bridge log line shows a secret',
      );
    } finally {
      restore();
      await upstream.close();
    }
  });

  it('token-hook: allowed, denied and unauthenticated calls, with a canary secret and assertion', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const idp = await listen((_req, res) => json(res, 200, { keys: [jwk] }));
    restore = setEnv({
      HOOK_SECRET: CANARY.hookSecret,
      ISSUER: 'https://issuer.example/oauth2/default',
      AUDIENCE: 'api://a',
      JWKS_URL: `${idp.url}/keys`,
      POLICY: JSON.stringify({ 'client-a': ['*'] }),
      ALLOW_INSECURE_LOOPBACK: '1',
      MAX_ASSERTION_AGE: '60',
    });
    logs.length = 0;
    try {
      const sign = (claims: Record<string, unknown>) =>
        new SignJWT({ canary: CANARY.assertion, ...claims })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer('https://issuer.example/oauth2/default')
          .setAudience('api://a')
          .setSubject('api-a')
          .setIssuedAt((claims.iat as number | undefined) ?? Math.floor(Date.now() / 1000))
          .setExpirationTime('5m')
          .sign(privateKey);
      const body = (assertion: string) => ({
        eventType: 'com.okta.oauth2.tokens.transform',
        eventId: 'e1',
        data: {
          context: {
            request: { url: { value: `https://x.okta.com/oauth2/aus/v1/token?assertion=${assertion}` } },
            protocol: { request: { scope: 'b.read' }, client: { id: 'client-a' } },
          },
          access: { claims: {} },
        },
      });
      const call = (assertion: string, secret: string) =>
        hook(
          makeEvent({
            method: 'POST',
            path: '/',
            headers: { authorization: secret, 'content-type': 'application/json' },
            body: JSON.stringify(body(assertion)),
          }),
        );
      const good = await sign({});
      const allowed = await call(good, CANARY.hookSecret);
      expect(allowed.body).toContain('com.okta.access.patch');
      await call(good, `${CANARY.hookSecret}x`);
      await call(await sign({ iat: Math.floor(Date.now() / 1000) - 600 }), CANARY.hookSecret);
      await call(`${CANARY.assertion}.${CANARY.assertion}.x`, CANARY.hookSecret);
      expect(logs.length).toBe(4);
      expectNoForms(logs, [CANARY.hookSecret, good, CANARY.assertion], 'a hook log line shows a secret');
    } finally {
      restore();
      await idp.close();
    }
  });
});
