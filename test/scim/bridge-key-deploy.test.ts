/**
 * The bridge key of `hook deploy scim-bridge`: made once, kept on re-deploy, rotated on request; its private half
 * only in the function's environment or in a Secrets Manager secret okta-m2m creates and tags; its public half in
 * the state for `scim-token encode --seal`. AWS is the one thing mocked (aws-sdk-client-mock): Lambda and IAM by the
 * deploy suite's fake account, Secrets Manager here. No AWS endpoint is reachable.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProjectState } from '../../src/config/state.js';
import { ConflictError, UsageError } from '../../src/errors.js';
import { buildTemplate, readBuiltZip, type BuiltZip } from '../../src/lambda/build.js';
import { applyRemove, deploy, planRemove, type DeployRequest } from '../../src/lambda/deploy.js';
import { readBridgeKeyRecord } from '../../src/scim/bridge-key-record.js';
import { sealBridgeToken, sealedTokenOpener } from '../../src/scim/sealed-token.js';
import { redact } from '../../src/secrets/redact.js';
import { fakeAws, type FakeAws } from '../support/fake-aws.js';
import { emptyKeychain, FAST_TIMING, scimBridgeRequest } from './deploy-support.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const credentials = {
  tokenUrl: 'https://acme.okta.com/oauth2/aus1/v1/token',
  clientId: '0oa1',
  clientSecret: 'CanarySealedDeploy-Secret-4Kx',
};

let dir: string;
let zip: BuiltZip;
let aws: FakeAws;
let state: ProjectState;
let sm: ReturnType<typeof mockClient>;
/** The Secrets Manager account: name -> { arn, value, tags }. */
let secretsManager: Map<string, { arn: string; value: string; tags: Array<{ Key: string; Value: string }> }>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'okta-m2m-bridge-key-'));
  zip = await readBuiltZip((await buildTemplate('scim-bridge', { outDir: join(dir, 'build') })).zipPath);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

beforeEach(async () => {
  aws = fakeAws();
  state = await ProjectState.load(await mkdtemp(join(dir, 'project-')));
  secretsManager = new Map();
  sm = mockClient(SecretsManagerClient);
  const find = (id: string) => [...secretsManager.entries()].find(([name, s]) => name === id || s.arn === id);
  const notFound = () =>
    new ResourceNotFoundException({
      message: "Secrets Manager can't find the specified secret.",
      $metadata: { httpStatusCode: 400 },
    });
  sm.on(DescribeSecretCommand).callsFake(({ SecretId }: { SecretId: string }) => {
    const found = find(SecretId);
    if (!found) throw notFound();
    return { ARN: found[1].arn, Name: found[0], Tags: found[1].tags };
  });
  sm.on(GetSecretValueCommand).callsFake(({ SecretId }: { SecretId: string }) => {
    const found = find(SecretId);
    if (!found) throw notFound();
    return { ARN: found[1].arn, SecretString: found[1].value };
  });
  sm.on(CreateSecretCommand).callsFake(
    ({
      Name,
      SecretString,
      Tags,
    }: {
      Name: string;
      SecretString: string;
      Tags: Array<{ Key: string; Value: string }>;
    }) => {
      const arn = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${Name}-AbCdEf`;
      secretsManager.set(Name, { arn, value: SecretString, tags: Tags });
      return { ARN: arn, Name };
    },
  );
  sm.on(DeleteSecretCommand).callsFake(({ SecretId }: { SecretId: string }) => {
    const found = find(SecretId);
    if (!found) throw notFound();
    secretsManager.delete(found[0]);
    return { ARN: found[1].arn };
  });
  sm.on(PutSecretValueCommand).callsFake(({ SecretId, SecretString }: { SecretId: string; SecretString: string }) => {
    const found = find(SecretId);
    if (!found) throw notFound();
    found[1].value = SecretString;
    return { ARN: found[1].arn };
  });
});
afterEach(() => {
  aws.restore();
  sm.restore();
});

const deps = () => ({
  aws: aws.clients,
  secrets: emptyKeychain(),
  state,
  timing: FAST_TIMING,
  secretsManager: async () => new SecretsManagerClient({ region: 'eu-west-1' }),
});

const request = (over: Partial<DeployRequest> = {}) => scimBridgeRequest(zip, over);

const functionEnv = () => aws.functions.get('okta-m2m-scim-bridge')!.config.Environment!.Variables!;

describe('hook deploy scim-bridge: the bridge key in the environment (the default)', () => {
  it('makes a key once, records its public half, keeps it on re-deploy and replaces it with --rotate-bridge-key', async () => {
    const first = await deploy(request(), deps());
    const privateKey = functionEnv().BRIDGE_PRIVATE_KEY!;
    const opener = await sealedTokenOpener(privateKey);
    expect(first.bridgeKey).toMatchObject({ kid: opener.kid, privateKeyIn: 'environment' });
    expect(first.bridgeKey!.publicJwk).not.toHaveProperty('d');
    expect(first.plan.find((s) => s.resource === 'bridge key')).toMatchObject({ action: 'create', name: opener.kid });
    const record = await readBridgeKeyRecord(state, 'default');
    expect(record).toMatchObject({
      kid: opener.kid,
      source: 'hook deploy',
      functionName: 'okta-m2m-scim-bridge',
      privateKeyIn: 'environment',
    });
    // What encode --seal makes from the record, the deployed key opens.
    expect(await opener.open(await sealBridgeToken(credentials, record!.publicJwk))).toEqual(credentials);
    // The private key is in neither the result, the state file, nor (masked) any text printed from them.
    const stateText = await readFile(state.file, 'utf8');
    for (const text of [JSON.stringify(first), stateText]) expect(text).not.toContain(JSON.parse(privateKey).d);
    expect(redact(`env ${privateKey}`)).not.toContain(JSON.parse(privateKey).d);

    aws.reset();
    const again = await deploy(request({ options: {} }), deps());
    expect(aws.writes()).toEqual([]);
    expect(again.bridgeKey!.kid).toBe(opener.kid);
    expect(again.plan.find((s) => s.resource === 'bridge key')!.action).toBe('unchanged');

    aws.reset();
    const rotated = await deploy(request({ options: {}, rotateBridgeKey: true }), deps());
    expect(aws.writes()).toEqual(['lambda:UpdateFunctionConfiguration']);
    expect(rotated.bridgeKey!.kid).not.toBe(opener.kid);
    expect((await readBridgeKeyRecord(state, 'default'))!.kid).toBe(rotated.bridgeKey!.kid);
    expect((await sealedTokenOpener(functionEnv().BRIDGE_PRIVATE_KEY!)).kid).toBe(rotated.bridgeKey!.kid);
  });

  it('refuses --env for the variables it manages', async () => {
    await expect(
      deploy(request({ options: { allowedHosts: ['scim.example.com'], env: { BRIDGE_PRIVATE_KEY: '{}' } } }), deps()),
    ).rejects.toBeInstanceOf(UsageError);
    await expect(
      deploy(
        request({ options: { allowedHosts: ['scim.example.com'], env: { BRIDGE_PRIVATE_KEY_SECRET_ID: 'x' } } }),
        deps(),
      ),
    ).rejects.toBeInstanceOf(UsageError);
    expect(aws.writes()).toEqual([]);
  });
});

describe('hook deploy scim-bridge --bridge-key secrets-manager', () => {
  it('creates a tagged secret with the private key, lets only the role okta-m2m made read it, and names it in the environment', async () => {
    // The fake account has no IAM inline policies: record what is sent.
    const iamSent: Array<{ constructor: { name: string }; input: unknown }> = [];
    const send = aws.clients.iam.send.bind(aws.clients.iam) as (command: unknown) => Promise<unknown>;
    (aws.clients.iam as unknown as { send: (command: unknown) => Promise<unknown> }).send = (command) => {
      iamSent.push(command as (typeof iamSent)[number]);
      return send(command);
    };
    const result = await deploy(request({ bridgeKeyStore: 'secrets-manager' }), deps());
    const secret = secretsManager.get('okta-m2m/okta-m2m-scim-bridge/bridge-key')!;
    expect(secret.tags).toContainEqual({ Key: 'managed-by', Value: 'okta-m2m' });
    expect((await sealedTokenOpener(secret.value)).kid).toBe(result.bridgeKey!.kid);
    const env = functionEnv();
    expect(env.BRIDGE_PRIVATE_KEY_SECRET_ID).toBe(secret.arn);
    expect(env).not.toHaveProperty('BRIDGE_PRIVATE_KEY');
    expect(result.bridgeKey).toMatchObject({ privateKeyIn: 'secrets-manager', secretArn: secret.arn });
    // The role okta-m2m made may read that one secret, nothing else.
    const policy = iamSent.find((c) => c.constructor.name === 'PutRolePolicyCommand')?.input as {
      RoleName: string;
      PolicyName: string;
      PolicyDocument: string;
    };
    expect(policy).toMatchObject({ RoleName: 'okta-m2m-scim-bridge-role', PolicyName: 'okta-m2m-bridge-key' });
    expect(JSON.parse(policy.PolicyDocument).Statement).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secret.arn },
    ]);
    expect(sm.commandCalls(CreateSecretCommand)).toHaveLength(1);
    expect(await readBridgeKeyRecord(state, 'default')).toMatchObject({
      privateKeyIn: 'secrets-manager',
      secretArn: secret.arn,
      kid: result.bridgeKey!.kid,
    });

    // Re-deploy: the key is read back (its public half recomputed), nothing written.
    aws.reset();
    sm.resetHistory();
    const again = await deploy(request({ options: {} }), deps());
    expect(again.bridgeKey!.kid).toBe(result.bridgeKey!.kid);
    expect(sm.commandCalls(CreateSecretCommand)).toHaveLength(0);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
    expect(aws.writes().filter((w) => w.startsWith('lambda:'))).toEqual([]);

    // Rotation writes a new version of the same secret; the function's environment does not change.
    const rotated = await deploy(request({ options: {}, rotateBridgeKey: true }), deps());
    expect(rotated.bridgeKey!.kid).not.toBe(result.bridgeKey!.kid);
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(1);
    expect((await sealedTokenOpener(secret.value)).kid).toBe(rotated.bridgeKey!.kid);
  });

  it('neither reads nor rotates a secret of that name that okta-m2m did not make', async () => {
    secretsManager.set('okta-m2m/okta-m2m-scim-bridge/bridge-key', {
      arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:theirs-123456',
      value: '{}',
      tags: [],
    });
    await expect(deploy(request({ bridgeKeyStore: 'secrets-manager' }), deps())).rejects.toBeInstanceOf(ConflictError);
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(aws.writes()).toEqual([]);
  });

  it('hook remove deletes the secret it made for the function and the recorded public key', async () => {
    await deploy(request({ bridgeKeyStore: 'secrets-manager' }), deps());
    const removal = {
      template: 'scim-bridge' as const,
      profile: 'default',
      region: 'eu-west-1',
      functionName: 'okta-m2m-scim-bridge',
      roleName: 'okta-m2m-scim-bridge-role',
    };
    const plan = await planRemove(removal, deps());
    expect(
      plan.steps
        .filter((s) => s.resource === 'bridge key secret' || s.name.startsWith('scimBridge'))
        .map((s) => s.action),
    ).toEqual(['delete', 'delete']);
    expect(sm.commandCalls(DeleteSecretCommand)).toHaveLength(0);
    await applyRemove(plan, deps());
    expect(secretsManager.size).toBe(0);
    expect(await readBridgeKeyRecord(state, 'default')).toBeUndefined();
  });

  it('hook remove keeps a key secret okta-m2m did not make for that function', async () => {
    await deploy(request({ bridgeKeyStore: 'secrets-manager' }), deps());
    const secret = secretsManager.get('okta-m2m/okta-m2m-scim-bridge/bridge-key')!;
    secret.tags = [
      { Key: 'managed-by', Value: 'okta-m2m' },
      { Key: 'okta-m2m:function', Value: 'another-function' },
    ];
    const plan = await planRemove(
      {
        template: 'scim-bridge',
        profile: 'default',
        region: 'eu-west-1',
        functionName: 'okta-m2m-scim-bridge',
        roleName: 'okta-m2m-scim-bridge-role',
      },
      deps(),
    );
    expect(plan.steps.find((s) => s.resource === 'bridge key secret')).toMatchObject({
      action: 'skip',
      changes: ['not created by okta-m2m: kept'],
    });
    await applyRemove(plan, deps());
    expect(sm.commandCalls(DeleteSecretCommand)).toHaveLength(0);
    expect(secretsManager.size).toBe(1);
  });
});
