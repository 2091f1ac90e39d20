import { ConflictError } from '../../errors.js';
import type { OktaApp } from '../types.js';

/**
 * What okta-m2m puts on the Okta objects it makes, so that init, destroy, status and hook act only on those: the
 * app's admin notes (Application.settings.notes.admin) and the descriptions of the authorization server and the
 * access policy. A state file is data: the ids it names are read and checked against the marker and the names.
 */
export const OWNERSHIP_MARKER = 'managed by okta-m2m';

export function isMarked(text: string | null | undefined): boolean {
  return typeof text === 'string' && text.includes(OWNERSHIP_MARKER);
}

export function withMarker(description: string): string {
  return isMarked(description) ? description : `${description} (${OWNERSHIP_MARKER})`.trim();
}

export function appIsMarked(app: OktaApp): boolean {
  return isMarked(app.settings?.notes?.admin);
}

export const APP_NOTE = `${OWNERSHIP_MARKER}: do not change by hand; "okta-m2m destroy" removes it`;

/** Which recorded objects existed before init and were taken over (--adopt): destroy leaves them. */
export interface Adopted {
  app?: boolean;
  authServer?: boolean;
  policy?: boolean;
}

type OwnedKind = keyof Adopted;

const WHAT: Record<OwnedKind, string> = { app: 'app', authServer: 'authorization server', policy: 'access policy' };

/** The state names an object that is not this setup's (another name): never acted on. */
export function notThisSetup(
  kind: OwnedKind | 'rule',
  id: string,
  remoteName: string | undefined,
  expected: string,
): ConflictError {
  const what = kind === 'rule' ? 'rule' : WHAT[kind];
  return new ConflictError(
    `The project state names the ${what} ${id}, but in Okta that is "${remoteName ?? '(no name)'}", not this setup's "${expected}"; nothing was changed.`,
    {
      hint: 'The state file (.okta-m2m/state.json) may be from another setup or edited: restore it, or remove its okta section and run init again.',
    },
  );
}

/** An object of the setup's name that okta-m2m did not make: taken over only with --adopt. */
export function notMadeByUs(kind: OwnedKind, id: string | undefined, name: string): ConflictError {
  return new ConflictError(
    `The ${WHAT[kind]} "${name}"${id ? ` (${id})` : ''} exists and was not made by okta-m2m; nothing was changed.`,
    {
      hint: `Run init with --adopt to take it over (destroy will leave it), or choose another --name.`,
    },
  );
}
