import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProjectState } from '../../src/config/state.js';
import { ConflictError, UsageError } from '../../src/errors.js';
import { buildTemplate, readBuiltZip, type BuildResult, type BuiltZip } from '../../src/lambda/build.js';
import { applyRemove, deploy, planRemove, readHookRecords, type DeployRequest } from '../../src/lambda/deploy.js';
import type { OktaState } from '../../src/okta/setup/state.js';
import { redact } from '../../src/secrets/redact.js';
import { fastAwsTiming, mapSecretStore, tokenHookDefaults, tokenHookFunction } from '../support/lambda-deploy.js';
import { fakeAws, sha256Base64, type FakeAws } from '../support/fake-aws.js';

const timing = fastAwsTiming([1, 1, 1]);
const OKTA: OktaState = {
  orgUrl: 'https://acme.okta.com',
  issuer: 'https://acme.okta.com/oauth2/aus1',
  audience: 'api://orders',
  tokenEndpoint: 'https://acme.okta.com/oauth2/aus1/v1/token',
  clientId: '0oa1',
  scopes: ['orders:read'],
};
const POLICY = '{"0oa-caller":["orders:read"]}';
const SECRET_ACCOUNT = 'default/hook-secret:token-hook';

let dir: string;
let built: Record<'token-hook' | 'scim-bridge', BuildResult>;
let zips: Record<'token-hook' | 'scim-bridge', BuiltZip>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-m2m-deploy-'));
  const outDir = join(dir, 'build');
  const token = await buildTemplate('token-hook', { outDir });
  const scim = await buildTemplate('scim-bridge', { outDir });
  built = { 'token-hook': token, 'scim-bridge': scim };
  zips = { 'token-hook': await readBuiltZip(token.zipPath), 'scim-bridge': await readBuiltZip(scim.zipPath) };
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

let aws: FakeAws;
let state: ProjectState;
let keychain: Map<string, string>;
let projectDir: string;

beforeEach(async () => {
  aws = fakeAws();
  projectDir = await mkdtemp(join(dir, 'project-'));
  state = await ProjectState.load(projectDir);
  keychain = new Map();
});
afterEach(() => aws.restore());

// A store of its own for each deploy, as each run of the CLI has: a run reads each keychain entry once.
const deps = () => ({ aws: aws.clients, secrets: mapSecretStore(keychain), state, timing });

function tokenHook(over: Partial<DeployRequest> = {}): DeployRequest {
  return {
    ...tokenHookDefaults,
    zip: zips['token-hook'],
    options: { policy: POLICY },
    oktaState: OKTA,
    ...over,
  };
}

function scimBridge(over: Partial<DeployRequest> = {}): DeployRequest {
  return {
    ...tokenHook(),
    template: 'scim-bridge',
    functionName: 'okta-m2m-scim-bridge',
    roleName: 'okta-m2m-scim-bridge-role',
    timeout: 30,
    zip: zips['scim-bridge'],
    options: { allowedHosts: ['SCIM.example.com'] },
    oktaState: { ...OKTA, authServerId: 'aus1' },
    oktaOrgUrl: OKTA.orgUrl,
    ...over,
  };
}

const READS_OF_A_DEPLOYED_FUNCTION = [
  'iam:GetRole',
  'iam:ListAttachedRolePolicies',
  'lambda:GetFunction',
  'lambda:GetFunctionUrlConfig',
  'lambda:GetPolicy',
];

describe('hook deploy: first deploy', () => {
  it('creates the role, the function (retrying while IAM propagates), waits, creates the URL and both permissions', async () => {
    aws.roleNotReadyFailures = 2;
    const result = await deploy(tokenHook(), deps());

    expect(aws.log).toEqual([
      'iam:GetRole',
      'lambda:GetFunction',
      'iam:CreateRole',
      'iam:AttachRolePolicy',
      'lambda:CreateFunction', // role not assumable yet
      'lambda:CreateFunction', // still not
      'lambda:CreateFunction',
      'lambda:GetFunction', // waiter: Pending
      'lambda:GetFunction', // waiter: Active
      'lambda:CreateFunctionUrlConfig',
      'lambda:AddPermission',
      'lambda:AddPermission',
    ]);
    const input = (call: string, n = 0) => aws.inputs.filter((i) => i.call === call)[n]!.input as Record<string, any>;

    expect(JSON.parse(input('iam:CreateRole').AssumeRolePolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(input('iam:CreateRole').Tags).toContainEqual({ Key: 'managed-by', Value: 'okta-m2m' });
    expect(input('iam:AttachRolePolicy')).toEqual({
      RoleName: 'okta-m2m-token-hook-role',
      PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    });

    const create = input('lambda:CreateFunction', 2);
    expect(create).toMatchObject({
      FunctionName: 'okta-m2m-token-hook',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::123456789012:role/okta-m2m-token-hook-role',
      Architectures: ['arm64'],
      MemorySize: 256,
      Timeout: 5,
      PackageType: 'Zip',
    });
    // The bytes uploaded are exactly the zip `hook build` wrote.
    const uploaded = create.Code.ZipFile as Uint8Array;
    expect(createHash('sha256').update(uploaded).digest('hex')).toBe(built['token-hook'].sha256);
    expect(Buffer.from(uploaded).equals(await readFile(built['token-hook'].zipPath))).toBe(true);

    const secret = keychain.get(SECRET_ACCOUNT)!;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(create.Environment.Variables).toEqual({
      HOOK_SECRET: secret,
      ISSUER: OKTA.issuer,
      AUDIENCE: OKTA.audience,
      JWKS_URL: `${OKTA.issuer}/v1/keys`,
      POLICY,
    });

    expect(input('lambda:CreateFunctionUrlConfig')).toEqual({ FunctionName: 'okta-m2m-token-hook', AuthType: 'NONE' });
    expect(input('lambda:AddPermission', 0)).toMatchObject({
      FunctionName: 'okta-m2m-token-hook',
      Action: 'lambda:InvokeFunctionUrl',
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
    });
    expect(input('lambda:AddPermission', 1)).toMatchObject({
      FunctionName: 'okta-m2m-token-hook',
      Action: 'lambda:InvokeFunction',
      Principal: '*',
      InvokedViaFunctionUrl: true,
    });

    expect(result.functionUrl).toBe('https://okta-m2m-token-hookabc.lambda-url.eu-west-1.on.aws/');
    expect(result.changed).toBe(true);
    const record = readHookRecords(state, 'default')['token-hook'];
    expect(record).toEqual({
      functionName: 'okta-m2m-token-hook',
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:okta-m2m-token-hook',
      region: 'eu-west-1',
      roleName: 'okta-m2m-token-hook-role',
      roleArn: 'arn:aws:iam::123456789012:role/okta-m2m-token-hook-role',
      roleCreated: true,
      functionUrl: result.functionUrl,
      codeSha256: built['token-hook'].sha256Base64,
      runtime: 'nodejs22.x',
      architecture: 'arm64',
    });
    // Never a secret in the state file, and the secret is masked wherever it might be printed.
    expect(await readFile(state.file, 'utf8')).not.toContain(secret);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(redact(`x ${secret} y`)).not.toContain(secret);
  });

  it('gives up with a ConflictError when the role never becomes assumable', async () => {
    aws.roleNotReadyFailures = 10;
    await expect(deploy(tokenHook(), deps())).rejects.toBeInstanceOf(ConflictError);
    expect(aws.log.filter((c) => c === 'lambda:CreateFunction')).toHaveLength(4);
    // The role is recorded nowhere yet, but the secret is safe in the keychain for the next run.
    expect(keychain.get(SECRET_ACCOUNT)).toBeDefined();
  });

  it('--dry-run reads only and shows what would be created', async () => {
    const result = await deploy(tokenHook(), deps(), { dryRun: true });
    expect(aws.writes()).toEqual([]);
    expect(aws.log).toEqual(['iam:GetRole', 'lambda:GetFunction']);
    expect(result.dryRun).toBe(true);
    expect(result.plan.map((s) => [s.resource, s.action])).toEqual([
      ['IAM role', 'create'],
      ['Lambda function', 'create'],
      ['function URL', 'create'],
      ['function URL permission', 'create'],
      ['shared secret', 'create'],
      ['Okta inline hook', 'skip'],
    ]);
    expect(keychain.size).toBe(0);
    expect(readHookRecords(state, 'default')).toEqual({});
  });

  it('refuses a token-hook without a policy, and a scim-bridge without an allowed host', async () => {
    await expect(deploy(tokenHook({ options: {} }), deps())).rejects.toThrow(/POLICY/);
    await expect(deploy(scimBridge({ options: {} }), deps())).rejects.toBeInstanceOf(UsageError);
    expect(aws.writes()).toEqual([]);
  });
});

describe('hook deploy: re-deploy', () => {
  beforeEach(async () => {
    await deploy(tokenHook(), deps());
    aws.reset();
  });

  it('with nothing changed makes no write call', async () => {
    const before = await readFile(state.file, 'utf8');
    const result = await deploy(tokenHook(), deps());
    expect(aws.log).toEqual(READS_OF_A_DEPLOYED_FUNCTION);
    expect(aws.writes()).toEqual([]);
    expect(result.changed).toBe(false);
    expect(result.plan.every((s) => s.action === 'unchanged' || s.action === 'skip')).toBe(true);
    expect(await readFile(state.file, 'utf8')).toBe(before);
  });

  it('keeps what the function has when flags are left out (the policy is not needed again)', async () => {
    await deploy(tokenHook({ options: {} }), deps());
    expect(aws.writes()).toEqual([]);
  });

  it('uploads the code, and only the code, when the zip differs', async () => {
    const fn = aws.functions.get('okta-m2m-token-hook')!;
    fn.config.CodeSha256 = sha256Base64(new Uint8Array([1, 2, 3])); // what an older build left
    const result = await deploy(tokenHook(), deps());
    expect(aws.log).toEqual([...READS_OF_A_DEPLOYED_FUNCTION, 'lambda:UpdateFunctionCode', 'lambda:GetFunction']);
    const update = aws.inputs.find((i) => i.call === 'lambda:UpdateFunctionCode')!.input as Record<string, any>;
    expect(
      createHash('sha256')
        .update(update.ZipFile as Uint8Array)
        .digest('hex'),
    ).toBe(built['token-hook'].sha256);
    expect(update.Architectures).toEqual(['arm64']);
    expect(result.plan.find((s) => s.resource === 'function code')?.action).toBe('update');
    expect(fn.config.CodeSha256).toBe(built['token-hook'].sha256Base64);
  });

  it('changes the architecture with the code', async () => {
    await deploy(tokenHook({ architecture: 'x86_64' }), deps());
    expect(aws.writes()).toEqual(['lambda:UpdateFunctionCode']);
    expect((aws.inputs.find((i) => i.call === 'lambda:UpdateFunctionCode')!.input as any).Architectures).toEqual([
      'x86_64',
    ]);
  });

  it('updates the configuration, and only it, when the settings or environment differ', async () => {
    const secret = keychain.get(SECRET_ACCOUNT)!;
    await deploy(tokenHook({ memorySize: 512, options: { carryClaims: ['tenant', 'region'] } }), deps());
    expect(aws.log).toEqual([
      ...READS_OF_A_DEPLOYED_FUNCTION,
      'lambda:UpdateFunctionConfiguration',
      'lambda:GetFunction',
    ]);
    const update = aws.inputs.find((i) => i.call === 'lambda:UpdateFunctionConfiguration')!.input as Record<
      string,
      any
    >;
    expect(update.MemorySize).toBe(512);
    expect(update.Environment.Variables).toEqual({
      HOOK_SECRET: secret, // reused, not rotated
      ISSUER: OKTA.issuer,
      AUDIENCE: OKTA.audience,
      JWKS_URL: `${OKTA.issuer}/v1/keys`,
      POLICY,
      CARRY_CLAIMS: 'tenant,region',
    });
    aws.reset();
    await deploy(tokenHook({ memorySize: 512 }), deps());
    expect(aws.writes()).toEqual([]);
  });

  it('--env NAME= removes a variable; HOOK_SECRET is never a flag', async () => {
    await deploy(tokenHook({ options: { env: { MAX_ASSERTION_AGE: '300' } } }), deps());
    expect(aws.functions.get('okta-m2m-token-hook')!.config.Environment!.Variables!.MAX_ASSERTION_AGE).toBe('300');
    await deploy(tokenHook({ options: { env: { MAX_ASSERTION_AGE: '' } } }), deps());
    expect(aws.functions.get('okta-m2m-token-hook')!.config.Environment!.Variables).not.toHaveProperty(
      'MAX_ASSERTION_AGE',
    );
    expect(aws.writes()).toEqual(['lambda:UpdateFunctionConfiguration', 'lambda:UpdateFunctionConfiguration']);
  });

  it('--rotate-secret replaces the secret in the keychain and the function', async () => {
    const old = keychain.get(SECRET_ACCOUNT)!;
    await deploy(tokenHook({ rotateSecret: true }), deps());
    const fresh = keychain.get(SECRET_ACCOUNT)!;
    expect(fresh).not.toBe(old);
    expect(aws.functions.get('okta-m2m-token-hook')!.config.Environment!.Variables!.HOOK_SECRET).toBe(fresh);
    expect(aws.writes()).toEqual(['lambda:UpdateFunctionConfiguration']);
  });

  it('takes the secret back from the function when the keychain lost it (no write to AWS)', async () => {
    const deployed = aws.functions.get('okta-m2m-token-hook')!.config.Environment!.Variables!.HOOK_SECRET;
    keychain.clear();
    await deploy(tokenHook(), deps());
    expect(aws.writes()).toEqual([]);
    expect(keychain.get(SECRET_ACCOUNT)).toBe(deployed);
  });

  it('re-attaches AWSLambdaBasicExecutionRole when it was detached', async () => {
    aws.roles.get('okta-m2m-token-hook-role')!.attached.clear();
    await deploy(tokenHook(), deps());
    expect(aws.writes()).toEqual(['iam:AttachRolePolicy']);
  });

  it('adds only the missing URL permission', async () => {
    aws.policies.set('okta-m2m-token-hook', aws.policies.get('okta-m2m-token-hook')!.slice(0, 1));
    await deploy(tokenHook(), deps());
    expect(aws.writes()).toEqual(['lambda:AddPermission']);
    expect((aws.inputs.find((i) => i.call === 'lambda:AddPermission')!.input as any).Action).toBe(
      'lambda:InvokeFunction',
    );
  });
});

describe('hook deploy: roles', () => {
  it('uses an existing role that trusts Lambda, and remove keeps it', async () => {
    aws.roles.set('okta-m2m-token-hook-role', {
      arn: 'arn:aws:iam::123456789012:role/okta-m2m-token-hook-role',
      trust: JSON.stringify({
        Statement: [{ Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: 'sts:AssumeRole' }],
      }),
      tags: [],
      attached: new Set(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']),
    });
    await deploy(tokenHook(), deps());
    expect(aws.writes()).not.toContain('iam:CreateRole');
    expect(readHookRecords(state, 'default')['token-hook']?.roleCreated).toBe(false);
    const plan = await planRemove(tokenHookFunction, deps());
    await applyRemove(plan, deps());
    expect(aws.roles.has('okta-m2m-token-hook-role')).toBe(true);
    expect(aws.functions.size).toBe(0);
  });

  it('refuses a role of someone else that does not trust Lambda', async () => {
    aws.roles.set('okta-m2m-token-hook-role', {
      arn: 'arn:aws:iam::123456789012:role/okta-m2m-token-hook-role',
      trust: '{"Statement":[]}',
      tags: [],
      attached: new Set(),
    });
    await expect(deploy(tokenHook(), deps())).rejects.toBeInstanceOf(ConflictError);
    expect(aws.writes()).toEqual([]);
  });

  it('--role-arn: uses the role as is, never reads or writes IAM', async () => {
    await deploy(tokenHook({ externalRoleArn: 'arn:aws:iam::123456789012:role/mine' }), deps());
    expect(aws.log.filter((c) => c.startsWith('iam:'))).toEqual([]);
    expect((aws.inputs.find((i) => i.call === 'lambda:CreateFunction')!.input as any).Role).toBe(
      'arn:aws:iam::123456789012:role/mine',
    );
    expect(readHookRecords(state, 'default')['token-hook']).toMatchObject({
      roleCreated: false,
      roleArn: 'arn:aws:iam::123456789012:role/mine',
    });
    expect(readHookRecords(state, 'default')['token-hook']).not.toHaveProperty('roleName');
  });
});

describe('hook deploy scim-bridge', () => {
  it("the scim-token command's token URL comes from the profile's org, not the state's tokenEndpoint (issue 15)", async () => {
    const tampered = { ...OKTA, authServerId: 'aus1', tokenEndpoint: 'https://exfil.example.com/token' };
    const result = await deploy(scimBridge({ oktaState: tampered }), deps());
    expect(result.scim?.encodeCommand).toContain('--token-url https://acme.okta.com/oauth2/aus1/v1/token ');
    expect(result.scim?.encodeCommand).not.toContain('exfil.example.com');
    aws.reset();
  });

  it('sets ALLOWED_HOSTS and ALLOWED_TOKEN_HOSTS and gives the SCIM base URL and the scim-token command', async () => {
    const result = await deploy(scimBridge(), deps());
    const create = aws.inputs.find((i) => i.call === 'lambda:CreateFunction')!.input as Record<string, any>;
    expect(create.Environment.Variables).toEqual({
      ALLOWED_HOSTS: 'scim.example.com',
      ALLOWED_TOKEN_HOSTS: 'scim.example.com,acme.okta.com',
      BRIDGE_PRIVATE_KEY: expect.stringContaining('"d":'), // the bridge key (test/scim/bridge-key-deploy.test.ts)
    });
    expect(create.Timeout).toBe(30);
    expect(keychain.size).toBe(0); // no shared secret for the bridge
    const url = 'https://okta-m2m-scim-bridgeabc.lambda-url.eu-west-1.on.aws/';
    expect(result.scim).toEqual({
      baseUrls: [
        {
          host: 'scim.example.com',
          url: 'https://okta-m2m-scim-bridgeabc.lambda-url.eu-west-1.on.aws/scim.example.com/services/scim/v2',
        },
      ],
      encodeCommand: `okta-m2m scim-token encode --seal --token-url ${OKTA.tokenEndpoint} --client-id 0oa1 --client-secret-stdin --scope orders:read --bridge-url ${url} --target scim.example.com`,
    });
    aws.reset();
    await deploy(scimBridge({ options: {} }), deps());
    expect(aws.writes()).toEqual([]);
    aws.reset();
    await deploy(scimBridge({ options: { allowedHosts: ['scim.example.com', 'scim2.example.com:8443'] } }), deps());
    expect(aws.writes()).toEqual(['lambda:UpdateFunctionConfiguration']);
  });

  it('rejects a host that is not one', async () => {
    await expect(
      deploy(scimBridge({ options: { allowedHosts: ['https://scim.example.com/x'] } }), deps()),
    ).rejects.toBeInstanceOf(UsageError);
  });
});

describe('hook remove', () => {
  it('deletes the URL, the function, the role it created, the secret and the record', async () => {
    await deploy(tokenHook(), deps());
    aws.reset();
    const plan = await planRemove(tokenHookFunction, deps());
    expect(plan.steps.map((s) => [s.resource, s.action])).toEqual([
      ['function URL', 'delete'],
      ['Lambda function', 'delete'],
      ['IAM role', 'delete'],
      ['shared secret', 'delete'],
      ['project state', 'delete'],
    ]);
    expect(aws.writes()).toEqual([]);
    await applyRemove(plan, deps());
    expect(aws.writes()).toEqual([
      'lambda:DeleteFunctionUrlConfig',
      'lambda:DeleteFunction',
      'iam:DetachRolePolicy',
      'iam:DeleteRole',
    ]);
    expect(aws.functions.size + aws.roles.size + aws.urls.size).toBe(0);
    expect(keychain.size).toBe(0);
    expect(readHookRecords(state, 'default')).toEqual({});
    expect(state.get('default', 'hooks')).toBeUndefined();

    // Again: nothing left, nothing written.
    aws.reset();
    const again = await planRemove(tokenHookFunction, deps());
    await applyRemove(again, deps());
    expect(aws.writes()).toEqual([]);
  });
});

describe('safety and errors', () => {
  it('never changes a function okta-m2m did not make', async () => {
    await deploy(tokenHook(), deps());
    aws.functions.get('okta-m2m-token-hook')!.tags = {};
    await state.set('default', 'hooks', undefined);
    aws.reset();
    await expect(deploy(tokenHook({ memorySize: 1024 }), deps())).rejects.toThrow(/not made by okta-m2m/);
    expect(aws.writes()).toEqual([]);
  });

  it('maps AWS errors to typed errors with the request id', async () => {
    const { mapAwsError } = await import('../../src/lambda/aws-clients.js');
    const { AuthError, NotFoundError, RemoteError } = await import('../../src/errors.js');
    const creds = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(mapAwsError(creds, 'read the function')).toBeInstanceOf(AuthError);
    const denied = Object.assign(new Error('User is not authorized to perform: iam:CreateRole'), {
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403, requestId: 'req-123' },
    });
    const mapped = mapAwsError(denied, 'create the execution role') as InstanceType<typeof AuthError>;
    expect(mapped).toBeInstanceOf(AuthError);
    expect(mapped.requestId).toBe('req-123');
    expect(mapped.hint).toMatch(/iam:CreateRole/);
    expect(mapAwsError(Object.assign(new Error('x'), { name: 'ResourceNotFoundException' }), 'x')).toBeInstanceOf(
      NotFoundError,
    );
    expect(
      mapAwsError(
        Object.assign(new Error('boom'), { name: 'ServiceException', $metadata: { httpStatusCode: 500 } }),
        'x',
      ),
    ).toBeInstanceOf(RemoteError);
  });

  it('a denied GetRole stops the plan before any write', async () => {
    const { GetRoleCommand } = await import('@aws-sdk/client-iam');
    const { mockClient } = await import('aws-sdk-client-mock');
    mockClient(aws.clients.iam)
      .on(GetRoleCommand)
      .rejects(
        Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
      );
    const { AuthError } = await import('../../src/errors.js');
    await expect(deploy(tokenHook(), deps())).rejects.toBeInstanceOf(AuthError);
    expect(aws.writes()).toEqual([]);
  });
});

describe('state', () => {
  it('a re-deploy after the state file was lost records it again, still without a write to AWS', async () => {
    const first = await deploy(tokenHook(), deps());
    await state.set('default', 'hooks', undefined);
    aws.reset();
    const again = await deploy(tokenHook(), deps());
    expect(aws.writes()).toEqual([]);
    expect(again.changed).toBe(false);
    // The role carries the managed-by tag, so it is still known as okta-m2m's.
    expect(readHookRecords(state, 'default')['token-hook']).toMatchObject({
      functionUrl: first.functionUrl,
      roleCreated: true,
    });
  });
});

describe('resolveEnvironment', () => {
  it('flag > what the function has > init state; a new issuer drops the old keys URL', async () => {
    const { resolveEnvironment, parseEnvPairs, normalizePolicy } = await import('../../src/lambda/deploy-env.js');
    const first = resolveEnvironment('token-hook', undefined, { policy: POLICY }, OKTA).env;
    expect(first).toEqual({ ISSUER: OKTA.issuer, AUDIENCE: OKTA.audience, JWKS_URL: `${OKTA.issuer}/v1/keys`, POLICY });
    const kept = resolveEnvironment(
      'token-hook',
      { ...first, HOOK_SECRET: 's' },
      {},
      { ...OKTA, audience: 'api://changed' },
    ).env;
    expect(kept).toEqual(first); // the function's values win over a changed state; HOOK_SECRET is not here
    const moved = resolveEnvironment(
      'token-hook',
      first,
      { issuer: 'https://other.example.com/', audience: ['a', 'b'] },
      OKTA,
    ).env;
    expect(moved).toEqual({ ISSUER: 'https://other.example.com', AUDIENCE: 'a,b', POLICY });
    expect(() => parseEnvPairs(['HOOK_SECRET=x'])).toThrow(UsageError);
    expect(() => parseEnvPairs(['1X=y'])).toThrow(UsageError);
    expect(parseEnvPairs(['A=b=c', 'EMPTY='])).toEqual({ A: 'b=c', EMPTY: '' });
    expect(() => normalizePolicy('{"c": "scope"}', 'p')).toThrow(UsageError);
    expect(normalizePolicy('{ "*": ["*"] }', 'p')).toBe('{"*":["*"]}');
  });

  it("--env ISSUER=<another issuer> does not keep init's keys URL (serve --register and deploy)", async () => {
    const { resolveEnvironment } = await import('../../src/lambda/deploy-env.js');
    const other = 'https://other.example.com/oauth2/aus2';
    // hook serve --register: nothing deployed yet.
    const served = resolveEnvironment('token-hook', undefined, { policy: POLICY, env: { ISSUER: other } }, OKTA).env;
    expect(served).toEqual({ ISSUER: other, AUDIENCE: OKTA.audience, POLICY });
    // The user's own keys URL is kept, whichever way it is given; an empty one means discovery.
    expect(
      resolveEnvironment(
        'token-hook',
        undefined,
        { policy: POLICY, env: { ISSUER: other, JWKS_URL: `${other}/keys` } },
        OKTA,
      ).env.JWKS_URL,
    ).toBe(`${other}/keys`);
    expect(
      resolveEnvironment(
        'token-hook',
        undefined,
        { policy: POLICY, jwksUrl: `${other}/keys`, env: { ISSUER: other } },
        OKTA,
      ).env.JWKS_URL,
    ).toBe(`${other}/keys`);
    // hook deploy over a function that has init's issuer and keys.
    const first = resolveEnvironment('token-hook', undefined, { policy: POLICY }, OKTA).env;
    const moved = resolveEnvironment('token-hook', first, { env: { ISSUER: other } }, OKTA).env;
    expect(moved).toEqual({ ISSUER: other, AUDIENCE: OKTA.audience, POLICY });
    // Back to init's issuer by --env: its keys URL again.
    expect(resolveEnvironment('token-hook', moved, { env: { ISSUER: OKTA.issuer! } }, OKTA).env.JWKS_URL).toBe(
      `${OKTA.issuer}/v1/keys`,
    );
  });

  it("HOOK_SECRET in --env: refused where okta-m2m manages it, the user's own value for a plain hook serve", async () => {
    const { parseEnvPairs } = await import('../../src/lambda/deploy-env.js');
    const hintOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as UsageError).hint;
      }
      return 'no error';
    };
    expect(hintOf(() => parseEnvPairs(['HOOK_SECRET=x']))).toMatch(/--rotate-secret/);
    expect(hintOf(() => parseEnvPairs(['HOOK_SECRET=x'], { hint: 'serve --register makes one.' }))).toBe(
      'serve --register makes one.',
    );
    expect(parseEnvPairs(['HOOK_SECRET=mine', 'A=b'], 'allow')).toEqual({ HOOK_SECRET: 'mine', A: 'b' });
  });
});
