/**
 * Sealed bridge tokens at the trust boundary, the canary way (test/security/canaries.test.ts): a distinctive client
 * secret and a bridge private key go through scim-token encode --seal and decode in every output mode and on the
 * error paths (no key recorded, a --bridge-public-key file that holds a private key, a key of the wrong kind, broken
 * sealed tokens), and neither may appear on stdout, stderr or in any file, except the sealed token itself on the
 * stdout of the encode that made it. A private JWK given as the public key file seals to its public half only.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateBridgeKeyPair, sealedTokenOpener, type BridgeKeyPair } from '../../src/scim/sealed-token.js';
import { spawnCli, type CliResult } from '../support/index.js';
import { filesUnder } from '../support/index.js';
import { secretForms } from '../support/secret-forms.js';
import { scimTokenEncodeArgs } from '../support/scim-token.js';

const tag = Math.random().toString(36).slice(2, 10);
const SECRET = `CanarySealedSecret-${tag}-Ww2Ee3`;
const TOKEN_URL = 'https://acme.okta.com/oauth2/aus1/v1/token';

let dir: string;
let env: NodeJS.ProcessEnv;
let key: BridgeKeyPair;
const outputs: Array<{ label: string; result: CliResult; tokenOnStdout?: string }> = [];
const cli = (args: string[], input = '') => spawnCli(args, { env, cwd: dir, input });
const encode = scimTokenEncodeArgs(TOKEN_URL, '0oa1', '--seal', '--client-secret-stdin');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-m2m-sealed-sec-'));
  env = { OKTA_M2M_CONFIG_DIR: join(dir, 'config'), OKTA_M2M_PROFILE: 'sealed-sec' };
  key = await generateBridgeKeyPair();
  await writeFile(join(dir, 'bridge-public.jwk'), JSON.stringify(key.publicJwk));
  // A user who hands over the private JWK by mistake: only its public half may be used, and it is never echoed.
  await writeFile(join(dir, 'bridge-private.jwk'), JSON.stringify(key.privateJwk), { mode: 0o600 });
  await writeFile(join(dir, 'rsa.jwk'), JSON.stringify({ kty: 'RSA', n: `${SECRET}`, e: 'AQAB', d: SECRET }), {
    mode: 0o600,
  });
  await writeFile(join(dir, 'garbage.jwk'), `not json ${SECRET}`, { mode: 0o600 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sealed bridge tokens and secret canaries', () => {
  it('encode --seal without a recorded key: a usage error that says how, before the secret is read', async () => {
    const result = await cli(encode, SECRET);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No bridge key to seal to.*hook deploy scim-bridge/s);
    outputs.push({ label: 'encode --seal, no key', result });
  });

  it('encode --seal with a public key file, a private key file, in every output mode: each opens with the key', async () => {
    const opener = await sealedTokenOpener(key.privateJwk);
    for (const [label, args] of [
      ['public file', [...encode, '--bridge-public-key', 'bridge-public.jwk']],
      ['private file --debug', ['--debug', ...encode, '--bridge-public-key', 'bridge-private.jwk']],
      ['public file --json --debug', ['--json', '--debug', ...encode, '--bridge-public-key', 'bridge-public.jwk']],
    ] as const) {
      const result = await cli([...args], SECRET);
      expect(result.code, result.stderr).toBe(0);
      const token = args.includes('--json')
        ? (JSON.parse(result.stdout) as { token: string; kid: string; version: number })
        : { token: result.stdout.trim() };
      if ('kid' in token) expect(token).toMatchObject({ version: 2, kid: key.kid });
      else expect(result.stderr).toContain(`sealed to the bridge key ${key.kid}`);
      expect((await opener.open(token.token)).clientSecret).toBe(SECRET);
      outputs.push({ label: `encode --seal ${label}`, result, tokenOnStdout: token.token });
    }
  });

  it('refuses key files that are not P-256 JWKs without quoting them', async () => {
    for (const file of ['rsa.jwk', 'garbage.jwk']) {
      for (const flags of [[], ['--debug']]) {
        const result = await cli([...flags, ...encode, '--bridge-public-key', file], SECRET);
        expect(result.code, result.stderr).toBe(2);
        outputs.push({ label: `encode --seal ${file} ${flags.join(' ')}`, result });
      }
    }
  });

  it('decode of broken sealed tokens: exit 2, nothing quoted', async () => {
    const good = outputs.find((o) => o.tokenOnStdout)!.tokenOnStdout!;
    const parts = good.split('.');
    for (const broken of [
      `${Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM', kid: SECRET })).toString('base64url')}.${parts.slice(1).join('.')}`,
      `${Buffer.from(`{"alg":"ECDH-ES+A256KW","clientSecret":"${SECRET}"`).toString('base64url')}.${parts.slice(1).join('.')}`,
      `${SECRET}.a.b.c.d`,
    ]) {
      for (const flags of [[], ['--debug'], ['--json']]) {
        const result = await cli([...flags, 'scim-token', 'decode', broken]);
        expect(result.code, result.stderr).toBe(2);
        outputs.push({ label: `decode broken ${flags.join(' ')}`, result });
      }
    }
  });

  it('no canary on any stdout or stderr (the sealed token only on its own stdout), nor in any file', async () => {
    const found: string[] = [];
    const secrets: Array<[string, string]> = [
      ['client secret', SECRET],
      ['private key', key.privateJwk.d!],
    ];
    for (const { label, result, tokenOnStdout } of outputs) {
      for (const [stream, text] of [
        ['stdout', result.stdout],
        ['stderr', result.stderr],
      ] as const) {
        for (const [name, value] of secrets)
          if (secretForms(value).some((f) => text.includes(f))) found.push(`${label} ${stream}: ${name}`);
        for (const other of outputs) {
          const token = other.tokenOnStdout;
          if (token && text.includes(token.slice(-43)) && !(stream === 'stdout' && token === tokenOnStdout))
            found.push(`${label} ${stream}: a sealed token`);
        }
      }
    }
    for (const { path, content: text } of await filesUnder(join(dir, 'config'))) {
      for (const [name, value] of secrets)
        if (secretForms(value).some((f) => text.includes(f))) found.push(`${path}: ${name}`);
    }
    expect(outputs.length).toBeGreaterThan(12);
    expect(found).toEqual([]);
  });
});
