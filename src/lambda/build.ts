// buildTemplate: bundle -> deterministic zip -> build/<name>.zip, written atomically (temp file + rename).
// Deploy uploads exactly this file and can compare sha256Base64 with the function's CodeSha256 to skip no-ops.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BUNDLE_FILE, bundleTemplate } from './bundle.js';
import { writeFileAtomic } from '../config/files.js';
import { packageRoot } from './templates.js';
import { deterministicZip, sha256Base64, sha256Hex } from './zip.js';

export interface BuildOptions {
  /** Output directory (default: <package root>/build). */
  outDir?: string;
  templatesDir?: string;
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
}

export interface BuiltZip {
  zipPath: string;
  bytes: Uint8Array;
  sha256: string;
  sha256Base64: string;
}

export function zipPathFor(name: string, outDir: string = join(packageRoot(), 'build')): string {
  return join(resolve(outDir), `${name}.zip`);
}

export async function buildTemplate(name: string, options: BuildOptions = {}): Promise<BuildResult> {
  const bundle = await bundleTemplate(name, options.templatesDir ? { templatesDir: options.templatesDir } : {});
  const zip = deterministicZip([{ path: BUNDLE_FILE, data: bundle.code }]);
  const zipPath = zipPathFor(name, options.outDir);
  // Code, not a secret: readable like any build output.
  await writeFileAtomic(zipPath, zip, 0o644);
  return {
    name,
    zipPath,
    size: zip.byteLength,
    bundleSize: bundle.code.byteLength,
    sha256: sha256Hex(zip),
    sha256Base64: sha256Base64(zip),
    warnings: bundle.warnings,
  };
}

/** Reads a zip that build made, with the hashes deploy needs (upload these bytes, compare CodeSha256). */
export async function readBuiltZip(zipPath: string): Promise<BuiltZip> {
  const bytes = new Uint8Array(await readFile(zipPath));
  return { zipPath, bytes, sha256: sha256Hex(bytes), sha256Base64: sha256Base64(bytes) };
}
