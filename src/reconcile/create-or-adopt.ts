/**
 * The one "create, or adopt what an earlier run of ours made" algorithm. A create whose outcome is unknown (a 5xx
 * or a dropped connection) is looked for before it is tried again; a create refused because the name is taken
 * adopts the object of that name. Never two of the same.
 */
interface CreateOrAdoptOptions<T> {
  create: () => Promise<T>;
  /** Looks the object up (by name or identifier). */
  find: () => Promise<T | undefined>;
  /** The create was refused because the name is taken (Okta's E0000... "already exists", Auth0's 409). */
  isTaken: (error: unknown) => boolean;
  /** The create may have happened although it failed (its answer was lost). */
  outcomeUnknown: (error: unknown) => boolean;
  /** How a failure is thrown (default: as is). */
  mapError?: (error: unknown) => unknown;
  attempts?: number;
}

interface CreateOrAdoptResult<T> {
  value: T;
  /** Found instead of made by this call. */
  adopted: boolean;
  /** After a lost answer what is found is ours; after "name taken" it may be someone else's. */
  cause: 'created' | 'lost-answer' | 'name-taken';
}

const CREATE_ATTEMPTS = 3;

export async function createOrAdopt<T>(options: CreateOrAdoptOptions<T>): Promise<CreateOrAdoptResult<T>> {
  const attempts = options.attempts ?? CREATE_ATTEMPTS;
  const fail = options.mapError ?? ((error: unknown) => error);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return { value: await options.create(), adopted: false, cause: 'created' };
    } catch (error) {
      if (options.isTaken(error)) {
        const found = await options.find();
        if (found) return { value: found, adopted: true, cause: 'name-taken' };
        throw fail(error);
      }
      if (!options.outcomeUnknown(error) || attempt >= attempts) throw fail(error);
      const found = await options.find();
      if (found) return { value: found, adopted: true, cause: 'lost-answer' };
    }
  }
}
