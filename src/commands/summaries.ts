/**
 * What the top-level help says of each top-level verb, so that it can list them without loading them: the
 * description (the verb's Command takes it from here) and what commander's usage term adds to the name ("[options]"
 * for a verb with options, then its arguments). A test checks these terms against the loaded commands.
 */
export const TOP_LEVEL_SUMMARIES = {
  login: {
    description: 'connect a profile to an Okta org (API token, or OAuth with private_key_jwt)',
    usage: '[options]',
  },
  logout: {
    description: "remove the current profile's credentials from the keychain and the profile itself",
    usage: '[options]',
  },
  init: {
    description: 'create (idempotently) the app, authorization server, scopes, policy and rule for M2M auth',
    usage: '[options]',
  },
  destroy: {
    description: 'remove what init made (only what the project state records, and only what okta-m2m made)',
    usage: '[options]',
  },
  status: {
    description: 'show what init made, whether it still matches, and whether a token can be had',
    usage: '[options]',
  },
  completion: { description: 'print a shell completion script', usage: '<shell>' },
} as const;
