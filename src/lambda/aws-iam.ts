import { ConflictError } from '../errors.js';
import { awsCall, awsFind, type AwsClients } from './aws-clients.js';

/**
 * The function's execution role: trusted by lambda.amazonaws.com, with AWSLambdaBasicExecutionRole (CloudWatch
 * logs) attached. Created only when missing and tagged, so `hook remove` deletes only a role okta-m2m made.
 */
const MANAGED_BY_TAG = { Key: 'managed-by', Value: 'okta-m2m' } as const;
export const BASIC_EXECUTION_POLICY = 'service-role/AWSLambdaBasicExecutionRole';

const LAMBDA_TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

export interface ObservedRole {
  name: string;
  exists: boolean;
  arn?: string;
  trustsLambda: boolean;
  basicExecutionAttached: boolean;
  /** Tagged managed-by=okta-m2m: we made it. */
  managedByUs: boolean;
}

/** `arn:aws-cn:iam::...` -> `aws-cn`. */
function partitionOf(arn: string | undefined): string {
  return arn?.split(':')[1] || 'aws';
}

function basicExecutionPolicyArn(partition: string): string {
  return `arn:${partition}:iam::aws:policy/${BASIC_EXECUTION_POLICY}`;
}

/** Whether a trust policy (GetRole returns it URL-encoded) lets Lambda assume the role. */
function trustsLambda(document: string | undefined): boolean {
  if (!document) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeURIComponent(document));
  } catch {
    try {
      parsed = JSON.parse(document);
    } catch {
      return false;
    }
  }
  const statements = (parsed as { Statement?: unknown }).Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  return list.some((s: { Effect?: string; Action?: unknown; Principal?: { Service?: unknown } }) => {
    const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
    const services = Array.isArray(s.Principal?.Service) ? s.Principal?.Service : [s.Principal?.Service];
    return (
      s.Effect === 'Allow' &&
      actions.includes('sts:AssumeRole') &&
      (services as unknown[]).includes('lambda.amazonaws.com')
    );
  });
}

export async function observeRole(clients: AwsClients, name: string): Promise<ObservedRole> {
  const { GetRoleCommand, ListAttachedRolePoliciesCommand } = clients.iamSdk;
  const got = await awsFind('read the execution role', () => clients.iam.send(new GetRoleCommand({ RoleName: name })));
  const role = got?.Role;
  if (!role) return { name, exists: false, trustsLambda: false, basicExecutionAttached: false, managedByUs: false };
  const attached = await awsCall('list the policies of the execution role', () =>
    clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })),
  );
  const wanted = basicExecutionPolicyArn(partitionOf(role.Arn));
  const observed: ObservedRole = {
    name,
    exists: true,
    trustsLambda: trustsLambda(role.AssumeRolePolicyDocument),
    basicExecutionAttached: (attached.AttachedPolicies ?? []).some((p) => p.PolicyArn === wanted),
    managedByUs: (role.Tags ?? []).some((t) => t.Key === MANAGED_BY_TAG.Key && t.Value === MANAGED_BY_TAG.Value),
  };
  if (role.Arn) observed.arn = role.Arn;
  return observed;
}

export async function createRole(clients: AwsClients, name: string, functionName: string): Promise<string> {
  const { CreateRoleCommand } = clients.iamSdk;
  const created = await awsCall('create the execution role', () =>
    clients.iam.send(
      new CreateRoleCommand({
        RoleName: name,
        AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY,
        Description: `Execution role of the Lambda function ${functionName} (okta-m2m)`,
        Tags: [{ ...MANAGED_BY_TAG }, { Key: 'okta-m2m:function', Value: functionName }],
      }),
    ),
  );
  const arn = created.Role?.Arn;
  if (!arn) throw new ConflictError(`AWS created the role ${name} but returned no ARN.`);
  return arn;
}

export async function updateTrust(clients: AwsClients, name: string): Promise<void> {
  const { UpdateAssumeRolePolicyCommand } = clients.iamSdk;
  await awsCall('update the trust policy of the execution role', () =>
    clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: LAMBDA_TRUST_POLICY })),
  );
}

export async function attachBasicExecution(clients: AwsClients, name: string, roleArn: string): Promise<void> {
  const { AttachRolePolicyCommand } = clients.iamSdk;
  await awsCall('attach AWSLambdaBasicExecutionRole to the execution role', () =>
    clients.iam.send(
      new AttachRolePolicyCommand({ RoleName: name, PolicyArn: basicExecutionPolicyArn(partitionOf(roleArn)) }),
    ),
  );
}

/** Detaches its managed policies, deletes its inline ones, then the role. False when it was already gone. */
export async function deleteRole(clients: AwsClients, name: string): Promise<boolean> {
  const {
    ListAttachedRolePoliciesCommand,
    DetachRolePolicyCommand,
    ListRolePoliciesCommand,
    DeleteRolePolicyCommand,
    DeleteRoleCommand,
  } = clients.iamSdk;
  const attached = await awsFind('list the policies of the execution role', () =>
    clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })),
  );
  if (!attached) return false;
  for (const policy of attached.AttachedPolicies ?? []) {
    await awsFind('detach a policy from the execution role', () =>
      clients.iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: policy.PolicyArn })),
    );
  }
  const inline = await awsFind('list the inline policies of the execution role', () =>
    clients.iam.send(new ListRolePoliciesCommand({ RoleName: name })),
  );
  for (const policyName of inline?.PolicyNames ?? []) {
    await awsFind('delete an inline policy of the execution role', () =>
      clients.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName })),
    );
  }
  const deleted = await awsFind('delete the execution role', () =>
    clients.iam.send(new DeleteRoleCommand({ RoleName: name })),
  );
  return deleted !== undefined;
}
