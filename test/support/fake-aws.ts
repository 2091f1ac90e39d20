// A small in-memory AWS account behind aws-sdk-client-mock: Lambda and IAM clients whose `send` is intercepted and
// answered from a model, so deploy runs as against AWS and every SDK call is recorded in order.
import { createHash } from 'node:crypto';
import * as iamSdk from '@aws-sdk/client-iam';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../src/lambda/aws-clients.js';

const {
  IAMClient,
  GetRoleCommand,
  CreateRoleCommand,
  AttachRolePolicyCommand,
  DetachRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  DeleteRoleCommand,
  UpdateAssumeRolePolicyCommand,
  NoSuchEntityException,
} = iamSdk;
const {
  LambdaClient,
  GetFunctionCommand,
  CreateFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  GetFunctionUrlConfigCommand,
  CreateFunctionUrlConfigCommand,
  UpdateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  DeleteFunctionCommand,
  GetPolicyCommand,
  AddPermissionCommand,
  ResourceNotFoundException,
  ResourceConflictException,
  InvalidParameterValueException,
} = lambdaSdk;

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

export interface FakeRole {
  arn: string;
  trust: string;
  tags: Array<{ Key: string; Value: string }>;
  attached: Set<string>;
}

export interface FakeFunction {
  config: lambdaSdk.FunctionConfiguration;
  tags: Record<string, string>;
  zip: Uint8Array;
  /** GetFunction answers Pending this many more times (the active waiter polls). */
  pendingPolls: number;
}

export interface FakeAws {
  clients: AwsClients;
  /** Every call, in order: "iam:GetRole", "lambda:CreateFunction", ... */
  log: string[];
  /** Inputs of every call, in order. */
  inputs: Array<{ call: string; input: Record<string, unknown> }>;
  roles: Map<string, FakeRole>;
  functions: Map<string, FakeFunction>;
  urls: Map<string, string>;
  policies: Map<string, Array<Record<string, unknown>>>;
  /** The URL CreateFunctionUrlConfig answers (default a made-up lambda-url.on.aws one). */
  urlFor: (functionName: string) => string;
  /** CreateFunction fails this many times with "cannot be assumed by Lambda" (IAM propagation). */
  roleNotReadyFailures: number;
  writes(): string[];
  reset(): void;
  restore(): void;
}

const READS = /:(Get|List)/;

export function sha256Base64(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('base64');
}

export function fakeAws(): FakeAws {
  const credentials = { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' };
  const lambda = new LambdaClient({ region: REGION, credentials });
  const iam = new IAMClient({ region: REGION, credentials });
  const lm = mockClient(lambda);
  const im = mockClient(iam);
  const fake: FakeAws = {
    clients: { lambda, iam, lambdaSdk, iamSdk },
    log: [],
    inputs: [],
    roles: new Map(),
    functions: new Map(),
    urls: new Map(),
    policies: new Map(),
    roleNotReadyFailures: 0,
    urlFor: (name) => `https://${name.toLowerCase()}abc.lambda-url.${REGION}.on.aws/`,
    writes: () => fake.log.filter((c) => !READS.test(c)),
    reset: () => {
      fake.log.length = 0;
      fake.inputs.length = 0;
    },
    restore: () => {
      lm.restore();
      im.restore();
    },
  };
  const notFound = (what: string) =>
    new ResourceNotFoundException({ message: `Function not found: ${what}`, $metadata: { httpStatusCode: 404 } });
  const noRole = (name: string) =>
    new NoSuchEntityException({
      message: `The role with name ${name} cannot be found.`,
      $metadata: { httpStatusCode: 404 },
    });
  const seen = (service: string, command: { name: string }, input: unknown) => {
    const call = `${service}:${command.name.replace(/Command$/, '')}`;
    fake.log.push(call);
    fake.inputs.push({ call, input: input as Record<string, unknown> });
  };

  const on = (mock: any, service: string, command: any, impl: (input: any) => unknown) =>
    mock.on(command).callsFake(async (input: unknown) => {
      seen(service, command, input);
      return impl(input);
    });

  // ---- IAM
  on(im, 'iam', GetRoleCommand, ({ RoleName }: { RoleName: string }) => {
    const role = fake.roles.get(RoleName);
    if (!role) throw noRole(RoleName);
    return {
      Role: {
        RoleName,
        Arn: role.arn,
        AssumeRolePolicyDocument: encodeURIComponent(role.trust),
        Tags: role.tags,
        Path: '/',
        RoleId: 'AROA',
        CreateDate: new Date(),
      },
    };
  });
  on(
    im,
    'iam',
    CreateRoleCommand,
    (input: { RoleName: string; AssumeRolePolicyDocument: string; Tags?: FakeRole['tags'] }) => {
      const arn = `arn:aws:iam::${ACCOUNT}:role/${input.RoleName}`;
      fake.roles.set(input.RoleName, {
        arn,
        trust: input.AssumeRolePolicyDocument,
        tags: input.Tags ?? [],
        attached: new Set(),
      });
      return { Role: { RoleName: input.RoleName, Arn: arn } };
    },
  );
  on(im, 'iam', AttachRolePolicyCommand, ({ RoleName, PolicyArn }: { RoleName: string; PolicyArn: string }) => {
    const role = fake.roles.get(RoleName);
    if (!role) throw noRole(RoleName);
    role.attached.add(PolicyArn);
    return {};
  });
  on(
    im,
    'iam',
    UpdateAssumeRolePolicyCommand,
    ({ RoleName, PolicyDocument }: { RoleName: string; PolicyDocument: string }) => {
      const role = fake.roles.get(RoleName);
      if (!role) throw noRole(RoleName);
      role.trust = PolicyDocument;
      return {};
    },
  );
  on(im, 'iam', ListAttachedRolePoliciesCommand, ({ RoleName }: { RoleName: string }) => {
    const role = fake.roles.get(RoleName);
    if (!role) throw noRole(RoleName);
    return {
      AttachedPolicies: [...role.attached].map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').pop() })),
    };
  });
  on(im, 'iam', DetachRolePolicyCommand, ({ RoleName, PolicyArn }: { RoleName: string; PolicyArn: string }) => {
    fake.roles.get(RoleName)?.attached.delete(PolicyArn);
    return {};
  });
  on(im, 'iam', ListRolePoliciesCommand, () => ({ PolicyNames: [] }));
  on(im, 'iam', DeleteRoleCommand, ({ RoleName }: { RoleName: string }) => {
    if (!fake.roles.delete(RoleName)) throw noRole(RoleName);
    return {};
  });

  // ---- Lambda
  const fn = (name: string) => {
    const f = fake.functions.get(name);
    if (!f) throw notFound(name);
    return f;
  };
  on(lm, 'lambda', GetFunctionCommand, ({ FunctionName }: { FunctionName: string }) => {
    const f = fn(FunctionName);
    if (f.pendingPolls > 0) {
      f.pendingPolls -= 1;
      return { Configuration: { ...f.config, State: 'Pending' }, Tags: { ...f.tags } };
    }
    return { Configuration: structuredClone(f.config), Tags: { ...f.tags } };
  });
  on(lm, 'lambda', CreateFunctionCommand, (input: lambdaSdk.CreateFunctionRequest) => {
    if (fake.roleNotReadyFailures > 0) {
      fake.roleNotReadyFailures -= 1;
      throw new InvalidParameterValueException({
        message: 'The role defined for the function cannot be assumed by Lambda.',
        $metadata: { httpStatusCode: 400 },
      });
    }
    const name = input.FunctionName as string;
    if (fake.functions.has(name))
      throw new ResourceConflictException({ message: `Function already exist: ${name}`, $metadata: {} });
    const zip = input.Code?.ZipFile as Uint8Array;
    const config: lambdaSdk.FunctionConfiguration = {
      FunctionName: name,
      FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
      Runtime: input.Runtime,
      Role: input.Role,
      Handler: input.Handler,
      Description: input.Description ?? '',
      Timeout: input.Timeout,
      MemorySize: input.MemorySize,
      Architectures: input.Architectures,
      Environment: { Variables: { ...(input.Environment?.Variables ?? {}) } },
      CodeSha256: sha256Base64(zip),
      CodeSize: zip.byteLength,
      State: 'Active',
      LastUpdateStatus: 'Successful',
      PackageType: 'Zip',
    };
    fake.functions.set(name, { config, zip, tags: { ...(input.Tags ?? {}) }, pendingPolls: 1 });
    return { ...config, State: 'Pending' };
  });
  on(lm, 'lambda', UpdateFunctionCodeCommand, (input: lambdaSdk.UpdateFunctionCodeRequest) => {
    const f = fn(input.FunctionName as string);
    f.zip = input.ZipFile as Uint8Array;
    f.config.CodeSha256 = sha256Base64(f.zip);
    if (input.Architectures) f.config.Architectures = input.Architectures;
    return f.config;
  });
  on(lm, 'lambda', UpdateFunctionConfigurationCommand, (input: lambdaSdk.UpdateFunctionConfigurationRequest) => {
    const f = fn(input.FunctionName as string);
    const c = f.config;
    if (input.Runtime) c.Runtime = input.Runtime;
    if (input.Role) c.Role = input.Role;
    if (input.Handler) c.Handler = input.Handler;
    if (input.Description !== undefined) c.Description = input.Description;
    if (input.Timeout) c.Timeout = input.Timeout;
    if (input.MemorySize) c.MemorySize = input.MemorySize;
    if (input.Environment) c.Environment = { Variables: { ...(input.Environment.Variables ?? {}) } };
    return c;
  });
  on(lm, 'lambda', GetFunctionUrlConfigCommand, ({ FunctionName }: { FunctionName: string }) => {
    fn(FunctionName);
    const url = fake.urls.get(FunctionName);
    if (!url) throw notFound(`${FunctionName} URL`);
    return { FunctionUrl: url, AuthType: 'NONE', FunctionArn: fake.functions.get(FunctionName)?.config.FunctionArn };
  });
  on(
    lm,
    'lambda',
    CreateFunctionUrlConfigCommand,
    ({ FunctionName, AuthType }: { FunctionName: string; AuthType: string }) => {
      fn(FunctionName);
      if (fake.urls.has(FunctionName)) throw new ResourceConflictException({ message: 'exists', $metadata: {} });
      const url = fake.urlFor(FunctionName);
      fake.urls.set(FunctionName, url);
      return { FunctionUrl: url, AuthType };
    },
  );
  on(lm, 'lambda', UpdateFunctionUrlConfigCommand, ({ FunctionName }: { FunctionName: string }) => ({
    FunctionUrl: fake.urls.get(FunctionName),
  }));
  on(lm, 'lambda', DeleteFunctionUrlConfigCommand, ({ FunctionName }: { FunctionName: string }) => {
    if (!fake.urls.delete(FunctionName)) throw notFound(`${FunctionName} URL`);
    return {};
  });
  on(lm, 'lambda', GetPolicyCommand, ({ FunctionName }: { FunctionName: string }) => {
    fn(FunctionName);
    const statements = fake.policies.get(FunctionName);
    if (!statements?.length) throw notFound(`${FunctionName} policy`);
    return { Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }) };
  });
  on(lm, 'lambda', AddPermissionCommand, (input: lambdaSdk.AddPermissionRequest) => {
    fn(input.FunctionName as string);
    const statements = fake.policies.get(input.FunctionName as string) ?? [];
    if (statements.some((s) => s.Sid === input.StatementId))
      throw new ResourceConflictException({ message: 'The statement id provided already exists.', $metadata: {} });
    const condition = input.FunctionUrlAuthType
      ? { StringEquals: { 'lambda:FunctionUrlAuthType': input.FunctionUrlAuthType } }
      : input.InvokedViaFunctionUrl
        ? { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } }
        : undefined;
    statements.push({
      Sid: input.StatementId,
      Effect: 'Allow',
      Principal: input.Principal,
      Action: input.Action,
      Resource: 'arn',
      ...(condition ? { Condition: condition } : {}),
    });
    fake.policies.set(input.FunctionName as string, statements);
    return { Statement: '{}' };
  });
  on(lm, 'lambda', DeleteFunctionCommand, ({ FunctionName }: { FunctionName: string }) => {
    if (!fake.functions.delete(FunctionName)) throw notFound(FunctionName);
    fake.policies.delete(FunctionName);
    fake.urls.delete(FunctionName);
    return {};
  });
  return fake;
}
