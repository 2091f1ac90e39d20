#!/usr/bin/env node
// `npm run demo`: the whole product, end to end, against the embedded emulator. Each step prints the command it
// runs and a short result; any failing step stops the demo with a non-zero exit. Uses a throwaway config folder,
// project folder and keychain entries, and removes them at the end.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'bin', 'okta-m2m.js');
const work = await mkdtemp(join(tmpdir(), 'okta-m2m-demo-'));
const env = { ...process.env, OKTA_M2M_CONFIG_DIR: join(work, 'config'), NO_COLOR: '1' };
const bold = (text) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[22m` : text);

function run(args, { input = '', quiet = false } = {}) {
  process.stdout.write(`\n${bold(`$ okta-m2m ${args.join(' ')}`)}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: work, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      if (!quiet) process.stdout.write(indent(stdout + stderr));
      if (code === 0) resolve(stdout.trim());
      else reject(new Error(`"okta-m2m ${args.join(' ')}" exited ${code}\n${stderr}`));
    });
    child.stdin.end(input);
  });
}

const indent = (text) => text.trimEnd().split('\n').map((line) => `  ${line}`).join('\n') + '\n';

try {
  // The SCIM bridge token: what an Okta SCIM app sends to the bridge Lambda. The demo's secret is a throwaway.
  const bridgeToken = await run(
    ['scim-token', 'encode', '--token-url', 'https://acme.okta.com/oauth2/aus1/v1/token', '--client-id', '0oa-demo', '--client-secret-stdin', '--scope', 'scim', '--bridge-url', 'https://abc.lambda-url.us-east-1.on.aws/', '--target', 'scim.example.com'],
    { input: 'demo-throwaway-secret', quiet: true },
  );
  process.stdout.write('  (a bridge token: base64 JSON with token URL, client id and secret)\n');
  await run(['scim-token', 'decode', bridgeToken]);
  process.stdout.write('\ndemo finished: every step succeeded.\n');
} catch (error) {
  process.stderr.write(`\ndemo failed: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  await rm(work, { recursive: true, force: true });
}
