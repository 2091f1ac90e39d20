/** Runs a call to a remote (Okta, Auth0, AWS) and throws what that remote's `mapError` makes of its failure. */
export async function remoteCall<T>(call: () => Promise<T>, mapError: (error: unknown) => unknown): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw mapError(error);
  }
}

/** Like remoteCall, but a 404 (read by the remote's own `statusOf`) is `undefined`: the object is gone. */
export async function remoteFind<T>(
  call: () => Promise<T>,
  mapError: (error: unknown) => unknown,
  statusOf: (error: unknown) => number | undefined,
): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw mapError(error);
  }
}
