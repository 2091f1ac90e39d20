import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsRequestHandler } from '../../src/lambda/aws-clients.js';
import { proxyFor } from '../../src/http/proxy.js';

// Issue 19: the AWS SDK honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY with the same rule as our HTTP core. Nothing
// here leaves loopback: the proxy records the tunnel it is asked for and refuses it; the direct endpoint is local.

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-real-secret' };

let proxy: Server;
let proxyUrl: string;
const tunnels: string[] = [];

beforeAll(async () => {
  proxy = createServer((_req, res) => void res.writeHead(405).end());
  proxy.on('connect', (req, socket: Socket) => {
    tunnels.push(req.url ?? '');
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
});

function lambdaClient(requestHandler: Awaited<ReturnType<typeof awsRequestHandler>>, endpoint?: string) {
  return new LambdaClient({
    region: 'eu-west-1',
    credentials,
    maxAttempts: 1,
    ...(endpoint ? { endpoint } : {}),
    ...(requestHandler ? { requestHandler } : {}),
  });
}

describe('the AWS clients and proxies', () => {
  it('without a proxy variable there is no proxy agent', async () => {
    expect((await awsRequestHandler({}))?.httpsAgent).toBeUndefined();
    expect(await awsRequestHandler({ NO_PROXY: '*' }, 5000)).toEqual({
      connectionTimeout: 5000,
      requestTimeout: 5000,
      throwOnRequestTimeout: true,
    });
  });

  it('HTTPS_PROXY tunnels the SDK request to the AWS endpoint through the proxy', async () => {
    tunnels.length = 0;
    const handler = await awsRequestHandler({ HTTPS_PROXY: proxyUrl }, 5000);
    expect(handler?.httpsAgent).toBeDefined();
    expect(handler?.connectionTimeout).toBe(5000);
    const client = lambdaClient(handler);
    await expect(client.send(new GetFunctionCommand({ FunctionName: 'okta-m2m-token-hook' }))).rejects.toThrow();
    expect(tunnels).toEqual(['lambda.eu-west-1.amazonaws.com:443']);
    client.destroy();
  });

  it('HTTP_PROXY serves https endpoints too when HTTPS_PROXY is not set', async () => {
    tunnels.length = 0;
    const client = lambdaClient(await awsRequestHandler({ http_proxy: proxyUrl }));
    await expect(client.send(new GetFunctionCommand({ FunctionName: 'f' }))).rejects.toThrow();
    expect(tunnels).toEqual(['lambda.eu-west-1.amazonaws.com:443']);
    client.destroy();
  });

  it('NO_PROXY sends the request to its endpoint directly', async () => {
    tunnels.length = 0;
    const arrived: string[] = [];
    // A stand-in endpoint on loopback: it records the connection (a TLS hello) and closes it.
    const endpoint = createTcpServer((socket) => {
      arrived.push('connection');
      socket.destroy();
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const port = (endpoint.address() as AddressInfo).port;
    try {
      const handler = await awsRequestHandler({ HTTPS_PROXY: proxyUrl, NO_PROXY: 'example.com, 127.0.0.1' });
      const client = lambdaClient(handler, `https://127.0.0.1:${port}`);
      await expect(client.send(new GetFunctionCommand({ FunctionName: 'f' }))).rejects.toThrow();
      expect(arrived.length).toBeGreaterThan(0);
      expect(tunnels).toEqual([]);
      client.destroy();
    } finally {
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });

  it("chooses the proxy per endpoint with src/http's rule (one NO_PROXY matcher)", async () => {
    const cases: Array<[NodeJS.ProcessEnv, string]> = [
      [{ HTTPS_PROXY: proxyUrl }, 'lambda.eu-west-1.amazonaws.com'],
      [{ HTTPS_PROXY: proxyUrl, NO_PROXY: 'amazonaws.com' }, 'iam.amazonaws.com'],
      [{ HTTPS_PROXY: proxyUrl, NO_PROXY: '.amazonaws.com' }, 'lambda.us-east-1.amazonaws.com'],
      [{ HTTPS_PROXY: proxyUrl, no_proxy: '*.eu-west-1.amazonaws.com' }, 'lambda.us-east-1.amazonaws.com'],
      [{ HTTPS_PROXY: proxyUrl, NO_PROXY: 'amazonaws.com:8443' }, 'iam.amazonaws.com'],
      [{ HTTPS_PROXY: proxyUrl, NO_PROXY: '*' }, 'iam.amazonaws.com'],
      [{ HTTPS_PROXY: proxyUrl, NO_PROXY: 'notamazonaws.com' }, 'amazonaws.com'],
    ];
    const expected = [proxyUrl, undefined, undefined, proxyUrl, proxyUrl, undefined, proxyUrl];
    const chosen: Array<string | undefined> = [];
    for (const [env, host] of cases) {
      const agent = (await awsRequestHandler(env))?.httpsAgent as unknown as {
        proxyForEndpoint(host: string, port: number): string | undefined;
      };
      const viaAws = agent.proxyForEndpoint(host, 443);
      expect(viaAws, `${host} with ${JSON.stringify(env)}`).toBe(proxyFor(new URL(`https://${host}`), env));
      chosen.push(viaAws);
    }
    expect(chosen).toEqual(expected);
  });
});
