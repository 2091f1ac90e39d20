import { UsageError } from '../errors.js';

/** Small checks for the config and state files we read back: wrong types are a clear error, never a crash. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectRecord(value: unknown, where: string, file: string): Record<string, unknown> {
  if (!isRecord(value)) throw damaged(file, `${where} is not an object`);
  return value;
}

export function optionalString(record: Record<string, unknown>, key: string, file: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw damaged(file, `"${key}" is not a string`);
  return value;
}

export function damaged(file: string, detail: string): UsageError {
  return new UsageError(`${file} is damaged: ${detail}.`, { hint: 'Fix or remove it, then run the command again.' });
}

/** The fields of a state section that are non-empty strings; a field of another type is left out (as missing). */
export function stringFields<K extends string>(
  raw: Record<string, unknown>,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = raw[key];
    if (typeof value === 'string' && value) out[key] = value;
  }
  return out;
}

/** The strings in a list read back from a file (other items are left out); undefined when it is not a list. */
export function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : undefined;
}
