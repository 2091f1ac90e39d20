/**
 * Time without wall-clock assertions. frozenDate stops Date (and only Date: timers and sockets run as usual) at a
 * fixed instant, for this process, so code that stamps times (JWT iat, rate-limit resets) can be checked exactly.
 * settlesAfter checks the order of two events instead of measuring: a timer of `ms` fired before the promise
 * settled, i.e. the work took at least that long, however slow or fast the machine is.
 */
import { vi } from 'vitest';

/** Freezes Date at `at` (default: the current time, rounded down to a whole second, so "now + n s" is exact). */
export function frozenDate(at: number = Math.floor(Date.now() / 1000) * 1000): { now: number; restore: () => void } {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at);
  return { now: at, restore: () => vi.useRealTimers() };
}

/** Resolves with the promise's value once both it has settled and a timer of `ms` has fired; records which came first. */
export async function settlesAfter<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ value: T; timerFiredFirst: boolean }> {
  let timerFired = false;
  const timer = new Promise<void>((resolve) => setTimeout(() => ((timerFired = true), resolve()), ms));
  const value = await promise;
  const timerFiredFirst = timerFired;
  await timer;
  return { value, timerFiredFirst };
}
