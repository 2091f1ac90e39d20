/** Claims Okta sets itself: custom claims may not use these names and token hooks may not patch them. */
export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'cid', 'uid', 'scp', 'ver', 'auth_time', 'amr', 'idp', 'nonce', 'at_hash', 'c_hash', 'cnf',
]);
