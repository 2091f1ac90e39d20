/** What a test wrote to disk, to prove no secret reached a file. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Every regular file under a directory with its content (latin1: every byte kept); [] when there is no directory. */
export async function filesUnder(dir: string): Promise<Array<{ path: string; content: string }>> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  const found: Array<{ path: string; content: string }> = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    found.push({ path, content: await readFile(path, 'latin1').catch(() => '') });
  }
  return found;
}

/** The contents alone. */
export async function allFiles(dir: string): Promise<string[]> {
  return (await filesUnder(dir)).map((file) => file.content);
}
