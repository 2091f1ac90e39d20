import { InvalidArgumentError } from '@commander-js/extra-typings';

// Option parsers shared by the verbs: a bad value is a usage error (exit 2) naming what was expected.

/** Repeatable options (`--scope a --scope b`), also accepting comma or space separated lists. */
export function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(/[\s,]+/).filter(Boolean)];
}

/**
 * Repeatable scope names to make (`--scope a --scope b`, or `a,b`). A scope name has no spaces: "orders read" is
 * refused rather than silently made into two scopes.
 */
export function collectScopeNames(value: string, previous: string[] = []): string[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const spaced = names.find((name) => /\s/.test(name));
  if (spaced !== undefined) {
    throw new InvalidArgumentError(
      `"${spaced}" has a space in it, and a scope name has none. Give each scope its own --scope (or separate them with commas), such as --scope orders:read.`,
    );
  }
  return [...previous, ...names];
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function integer(min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    }
    return parsed;
  };
}

export function fraction(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1)
    throw new InvalidArgumentError('expected a number from 0 to 1.');
  return parsed;
}

/** One of a fixed list, typed as that list's members. */
export function choice<T extends string>(values: readonly T[], flag: string) {
  return (value: string): T => {
    const found = values.find((known) => known === value);
    if (found === undefined) throw new InvalidArgumentError(`${flag} must be one of ${values.join(', ')}.`);
    return found;
  };
}

/** Repeatable, each value one of a fixed list. */
export function collectChoice<T extends string>(values: readonly T[]) {
  return (value: string, previous: T[] = []): T[] => {
    const found = values.find((known) => known === value);
    if (found === undefined) throw new InvalidArgumentError(`expected one of ${values.join(', ')}.`);
    return [...previous, found];
  };
}

/**
 * A number of seconds written in plain decimal (`30`, `2.5`), more than 0 and at most `max`. `Number()` alone
 * would also take `0x1e`, `1e3` and `Infinity`.
 */
export function seconds(max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value.trim()) || parsed <= 0 || parsed > max) {
      throw new InvalidArgumentError(`expected a number of seconds above 0, at most ${max}, such as 30.`);
    }
    return parsed;
  };
}
