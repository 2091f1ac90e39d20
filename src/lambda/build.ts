// buildTemplate: bundle -> deterministic zip -> build/<name>.zip, written atomically (temp file + rename).
// Deploy uploads exactly this file and can compare sha256Base64 with the function's CodeSha256 to skip no-ops.
// The built CLI takes the zip `npm run build` made (dist/templates/<name>.zip, see prebuildTemplates), so esbuild is
// needed only when the code runs from source (vitest, a checkout) or for templates from another directory.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { BUNDLE_FILE } from './bundle.js';
import { readBoundedBytes, writeFileAtomic } from '../config/files.js';
import { UsageError } from '../errors.js';
import { listTemplates, packageRoot, resolveTemplate } from './templates.js';
import { deterministicZip, readZip, sha256Base64, sha256Hex } from './zip.js';
import { BUILT_DEFAULTS_FILE } from './carry-claims.js';
import { checkCarryClaims } from './deploy-env.js';

interface BuildOptions {
  /** Output directory (default: <package root>/build). */
  outDir?: string;
  templatesDir?: string;
  /** token-hook: the claims the function carries when its environment names none (in the zip's build file). */
  carryClaims?: readonly string[] | undefined;
}

export interface BuildResult {
  name: string;
  zipPath: string;
  /** Zip size in bytes. */
  size: number;
  /** Size of index.mjs inside the zip. */
  bundleSize: number;
  sha256: string;
  /** Lambda's CodeSha256 for this zip. */
  sha256Base64: string;
  warnings: string[];
  /** token-hook: the claims built in (what --carry-claim gave). */
  carryClaims?: string[];
}

export interface BuiltZip {
  zipPath: string;
  bytes: Uint8Array;
  sha256: string;
  sha256Base64: string;
}

function zipPathFor(name: string, outDir: string = join(packageRoot(), 'build')): string {
  return join(resolve(outDir), `${name}.zip`);
}

/** Where `npm run build` puts a shipped template's zip. */
export function prebuiltZipPath(name: string): string {
  return join(packageRoot(), 'dist', 'templates', `${name}.zip`);
}

/** True when this module runs from the esbuild bundle (dist/), false under vitest or tsx (src/*.ts). */
const fromBundle = !import.meta.url.endsWith('.ts');

export async function buildTemplate(name: string, options: BuildOptions = {}): Promise<BuildResult> {
  const carryClaims = options.carryClaims?.length ? [...options.carryClaims] : undefined;
  if (carryClaims) {
    if (name !== 'token-hook') throw new UsageError('--carry-claim is a token-hook option.');
    // The same rule as hook serve and hook deploy (and the template at run time).
    checkCarryClaims(carryClaims);
  }
  const made = await templateZip(name, options.templatesDir);
  const zip = carryClaims
    ? deterministicZip({
        ...readZip(made.zip),
        [BUILT_DEFAULTS_FILE]: new TextEncoder().encode(JSON.stringify({ CARRY_CLAIMS: carryClaims.join(',') })),
      })
    : made.zip;
  const zipPath = zipPathFor(name, options.outDir);
  // Code, not a secret: readable like any build output.
  await writeFileAtomic(zipPath, zip, 0o644);
  return {
    name,
    zipPath,
    size: zip.byteLength,
    bundleSize: made.bundleSize,
    sha256: sha256Hex(zip),
    sha256Base64: sha256Base64(zip),
    warnings: made.warnings,
    ...(carryClaims ? { carryClaims } : {}),
  };
}

async function templateZip(
  name: string,
  templatesDir?: string,
  usePrebuilt = fromBundle,
): Promise<{ zip: Uint8Array; bundleSize: number; warnings: string[] }> {
  if (!templatesDir && usePrebuilt) {
    // resolveTemplate checks the name (no path tricks) before it becomes a file name.
    resolveTemplate(name);
    const path = prebuiltZipPath(name);
    if (existsSync(path)) {
      const zip = new Uint8Array(await readFile(path));
      return { zip, bundleSize: unzipSync(zip)[BUNDLE_FILE]?.byteLength ?? 0, warnings: [] };
    }
  }
  const { bundleTemplate } = await import('./bundle.js');
  const bundle = await bundleTemplate(name, templatesDir ? { templatesDir } : {});
  return {
    zip: deterministicZip([{ path: BUNDLE_FILE, data: bundle.code }]),
    bundleSize: bundle.code.byteLength,
    warnings: bundle.warnings,
  };
}

/** For scripts/build.js: every template bundled from source and zipped into outDir; returns esbuild's warnings. */
export async function prebuildTemplates(outDir: string): Promise<string[]> {
  const warnings: string[] = [];
  for (const template of listTemplates()) {
    const made = await templateZip(template.name, undefined, false);
    await writeFileAtomic(join(outDir, `${template.name}.zip`), made.zip, 0o644);
    warnings.push(...made.warnings.map((warning) => `${template.name}: ${warning}`));
  }
  return warnings;
}

/** Lambda takes a zip of at most 50 MB uploaded directly (Lambda quotas: "Deployment package (.zip file archive) size"). */
const MAX_DIRECT_UPLOAD_BYTES = 50 * 1024 * 1024;

/** Reads a zip that build made, with the hashes deploy needs (upload these bytes, compare CodeSha256). */
export async function readBuiltZip(zipPath: string): Promise<BuiltZip> {
  const read = await readBoundedBytes(zipPath, 'the zip', MAX_DIRECT_UPLOAD_BYTES);
  if (read === undefined)
    throw new UsageError(`No zip at ${zipPath}.`, { hint: 'Make one with "okta-m2m hook build".' });
  const bytes = new Uint8Array(read);
  return { zipPath, bytes, sha256: sha256Hex(bytes), sha256Base64: sha256Base64(bytes) };
}
