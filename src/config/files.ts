import { constants, type Stats } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

const MAX_CONFIG_BYTES = 1024 * 1024;
/** Key files, policy files and setups given by path: far above any real one. */
const MAX_INPUT_FILE_BYTES = 1024 * 1024;

/**
 * Writes a file so that a reader sees either the old or the new content, never a torn one: a temporary file
 * beside it (mode 0600), flushed to disk, then renamed over the target.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // Imported here, not at the top: node:crypto costs start-up time for commands that write nothing.
  const { randomBytes } = await import('node:crypto');
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Reads a file with a bound: only a regular file (a folder, a device such as /dev/zero behind a link, a FIFO or a
 * socket is refused with a one-line error), at most maxBytes (counted while reading, not trusted from the size).
 * Undefined when the file does not exist. `what` names it for the error: "the project state file".
 */
async function readBoundedFile(
  path: string,
  what: string,
  maxBytes: number = MAX_INPUT_FILE_BYTES,
): Promise<string | undefined> {
  return (await readBoundedBytes(path, what, maxBytes))?.toString('utf8');
}

/** readBoundedFile's bytes, for binary files (a zip). */
export async function readBoundedBytes(
  path: string,
  what: string,
  maxBytes: number = MAX_INPUT_FILE_BYTES,
): Promise<Buffer | undefined> {
  const hint = 'Give the path of a regular file.';
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new UsageError(`Cannot read ${what} ${path} (${code ?? 'error'}).`, { hint, cause: error });
  }
  if (!info.isFile())
    throw new UsageError(`${capitalize(what)} ${path} is ${kindOf(info)}, not a regular file.`, { hint });
  if (info.size > maxBytes) throw tooLarge(what, path, maxBytes);
  let handle;
  try {
    // Non-blocking: a FIFO swapped in after the check must not hang the read.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw new UsageError(`Cannot read ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, {
      hint,
      cause: error,
    });
  }
  try {
    if (!(await handle.stat()).isFile())
      throw new UsageError(`${capitalize(what)} ${path} is not a regular file.`, { hint });
    // Sized by the file (a byte over, to see its end in one read), grown if it grows: not maxBytes for every read.
    let buffer = Buffer.alloc(Math.min(info.size + 1, maxBytes + 1));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const larger = Buffer.alloc(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(larger);
        buffer = larger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(what, path, maxBytes);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** readBoundedFile for a file the user named: a missing one is an error too. */
export async function readInputFile(
  path: string,
  what: string,
  maxBytes: number = MAX_INPUT_FILE_BYTES,
): Promise<string> {
  const text = await readBoundedFile(path, what, maxBytes);
  if (text === undefined)
    throw new UsageError(`Cannot read ${what} ${path}: ENOENT (there is no such file).`, { hint: 'Check the path.' });
  return text;
}

function tooLarge(what: string, path: string, maxBytes: number): UsageError {
  return new UsageError(`${capitalize(what)} ${path} is larger than ${maxBytes} bytes: too large to be one.`, {
    hint: 'Move it away or give the right file.',
  });
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isFIFO()) return 'a pipe';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Reads a JSON file we wrote; undefined when absent. A damaged file is a clear usage error, never a crash. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = await readBoundedFile(path, `the ${what} file`, MAX_CONFIG_BYTES);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`The ${what} file ${path} is not valid JSON.`, {
      hint: 'Fix or remove it, then run the command again.',
    });
  }
}
