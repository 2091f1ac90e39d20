/** `okta-m2m scim-token encode` for a client of a token endpoint, then `flags` (--seal, how the secret comes, ...). */
export function scimTokenEncodeArgs(tokenUrl: string, clientId: string, ...flags: string[]): string[] {
  return ['scim-token', 'encode', '--token-url', tokenUrl, '--client-id', clientId, ...flags];
}
