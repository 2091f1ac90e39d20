import { resolve } from 'node:path';
import type { JWK } from 'jose';
import type { Context } from '../../context.js';
import { UsageError } from '../../errors.js';
import { readBridgeKeyRecord } from '../../scim/bridge-key-record.js';
import { BridgeTokenError } from '../../scim/bridge-token.js';
import { bridgePublicKey } from '../../scim/sealed-token.js';

/** The bridge public key to seal to: --bridge-public-key's file, else the one the state records; and where from. */
export async function bridgeKeyFor(
  ctx: Context,
  file: string | undefined,
): Promise<{ kid: string; publicJwk: JWK; from: string }> {
  if (file !== undefined) {
    const { readInputFile } = await import('../../config/files.js');
    const text = await readInputFile(resolve(ctx.io.cwd, file), 'the --bridge-public-key file', 64 * 1024);
    try {
      return { ...(await bridgePublicKey(text)), from: file };
    } catch (error) {
      if (error instanceof BridgeTokenError) {
        throw new UsageError(`--bridge-public-key ${file}: ${error.message}.`, {
          hint: 'Give the public JWK that "okta-m2m hook deploy scim-bridge --json" printed as bridgePublicKey.',
        });
      }
      throw error;
    }
  }
  const record = await readBridgeKeyRecord(await ctx.state(), await ctx.profileName());
  if (!record) {
    throw new UsageError('No bridge key to seal to.', {
      hint: 'Run "okta-m2m hook deploy scim-bridge" (or "hook serve scim-bridge") first, or pass --bridge-public-key <file>.',
    });
  }
  const where = record.functionName ? ` of ${record.functionName}${record.region ? ` (${record.region})` : ''}` : '';
  return { kid: record.kid, publicJwk: record.publicJwk, from: `recorded by ${record.source}${where}` };
}
