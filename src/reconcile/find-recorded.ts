/**
 * The one "the id the state recorded, else the name" lookup. The recorded object wins while it is still there and
 * still the one meant (`isIt`, which may also throw when the id now names something that is not the setup's);
 * otherwise `byName` looks for it.
 */
export async function recordedElseNamed<T>(
  id: string | undefined,
  get: (id: string) => Promise<T | undefined>,
  isIt: (found: T) => boolean,
  byName: () => Promise<T | undefined>,
): Promise<T | undefined> {
  if (id) {
    const found = await get(id);
    if (found && isIt(found)) return found;
  }
  return byName();
}
