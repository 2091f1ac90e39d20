import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the OS keychain holds for an okta-m2m account, read with the system's own tool (not our code). */
export async function secretToolLookup(account: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('secret-tool', ['lookup', 'service', 'okta-m2m', 'username', account]);
    return stdout === '' ? undefined : stdout;
  } catch {
    return undefined;
  }
}

export async function secretToolStore(account: string, value: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile('secret-tool', ['store', '--label', `test ${account}`, 'service', 'okta-m2m', 'username', account], (error) =>
      error ? reject(error) : resolve(),
    );
    child.stdin?.end(value);
  });
}
