import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import { registerSecret } from '../secrets/redact.js';
import type { SecretRef } from '../secrets/refs.js';
import { prompts } from '../ui/prompt.js';
import { readAll } from '../ui/streams.js';

/** A secret piped to stdin (`--<flag>`): never from a terminal, never empty, registered for redaction at once. */
export async function secretFromStdin(ctx: Context, what: string, flag: string): Promise<string> {
  if (ctx.io.stdin.isTTY) {
    throw new UsageError(`--${flag} reads a pipe, but stdin is a terminal.`, {
      hint: `Pipe ${what} in (... --${flag} < file).`,
    });
  }
  const secret = (await readAll(ctx.io.stdin).catch(() => '')).trim();
  if (!secret) throw new UsageError(`stdin held no ${what}.`, { hint: `Pipe ${what} in.` });
  registerSecret(secret);
  return secret;
}

/**
 * A client secret from, in order: stdin (when `fromStdin`), the environment variable of any of `refs`, the
 * keychain entries `refs`, a prompt on a terminal. Without any of them: a usage error naming the ways to give it.
 */
export async function resolveClientSecret(
  ctx: Context,
  { fromStdin, refs, clientId }: { fromStdin: boolean; refs: SecretRef[]; clientId: string },
): Promise<string> {
  if (fromStdin) return secretFromStdin(ctx, 'the client secret', 'client-secret-stdin');
  // Any of the environment variables wins over the keychain (CI has no keychain).
  const fromEnv = refs.find((ref) => ref.envVar !== undefined && Boolean(ctx.env[ref.envVar]));
  for (const ref of fromEnv ? [fromEnv] : refs) {
    const stored = await ctx.secrets.get(ref);
    if (stored) return stored;
  }
  const envVars = refs.map((ref) => ref.envVar).filter(Boolean);
  if (!ctx.ui.interactive) {
    throw new UsageError(`No client secret for ${clientId}.`, {
      hint: `Pipe it to --client-secret-stdin${envVars.length ? `, or set ${envVars.join(' or ')}` : ''} (init stores it in the keychain).`,
    });
  }
  const { password } = await prompts(ctx.ui, 'The client secret (--client-secret-stdin)');
  const secret = await password(
    { message: `Client secret of ${clientId}`, mask: '*' },
    { output: ctx.io.stderr, input: ctx.io.stdin },
  );
  registerSecret(secret);
  return secret;
}
