// Deterministic zips: sorted entries, a fixed timestamp and fixed unix mode, so the same sources give the same
// bytes and the same CodeSha256 (Lambda's CodeSha256 is the base64 of the zip's SHA-256).

import { createHash } from 'node:crypto';
import { unzipSync, zipSync, type Zippable } from 'fflate';

/** 1980-01-01 00:00:00, the DOS epoch, built from local fields because zip times are local times. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const UNIX = 3;
const FILE_MODE = 0o100644; // regular file, rw-r--r--

interface ZipInput {
  /** Path inside the zip, forward slashes, no leading slash. */
  path: string;
  data: Uint8Array;
}

export function deterministicZip(files: ZipInput[] | Record<string, Uint8Array>): Uint8Array {
  const list = Array.isArray(files) ? files : Object.entries(files).map(([path, data]) => ({ path, data }));
  const seen = new Set<string>();
  for (const f of list) {
    if (!f.path || f.path.startsWith('/') || f.path.split('/').some((s) => s === '..' || s === '.' || s === '')) {
      throw new Error(`bad zip entry path: ${JSON.stringify(f.path)}`);
    }
    if (seen.has(f.path)) throw new Error(`duplicate zip entry: ${f.path}`);
    seen.add(f.path);
  }
  const sorted = [...list].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const entries: Zippable = {};
  for (const f of sorted) {
    entries[f.path] = [f.data, { level: 9, mtime: FIXED_MTIME, os: UNIX, attrs: FILE_MODE << 16 }];
  }
  return zipSync(entries);
}

/** Entries of a zip, for serving and tests. */
export function readZip(zip: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(zip);
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** What Lambda reports as CodeSha256 for this zip. */
export function sha256Base64(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}
