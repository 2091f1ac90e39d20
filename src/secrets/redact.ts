/**
 * The one redaction function every output path goes through (stdout, stderr, the debug log, error messages).
 * It masks every secret this process has seen (registered by the secret store and by code that receives secrets
 * from a remote, such as a client secret in a create response) and anything that looks like a credential.
 */
const MASK = '****';
const MIN_SECRET_LENGTH = 6;
const known = new Set<string>();

export function registerSecret(value: string | undefined | null): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  known.add(value);
  // A secret also travels base64-encoded (Basic auth, bridge tokens) and URL-encoded (form bodies).
  known.add(encodeURIComponent(value));
}

/** For tests only: forget what was registered. */
export function clearRegisteredSecrets(): void {
  known.clear();
}

const CREDENTIAL_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // JWTs (access tokens, client assertions, id tokens).
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, MASK],
  // HTTP authorization values, as clients write them (a lowercase word such as an auth mode "ssws" in a table is
  // not a credential; JWTs are masked above whatever precedes them).
  [/\b(SSWS|Bearer|bearer|Basic|DPoP)[ \t]+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${MASK}`],
  // JSON or form fields that hold secrets.
  [
    /("(?:client_secret|clientSecret|access_token|accessToken|refresh_token|id_token|api_token|apiToken|client_assertion|assertion|private_key|privateKey|password|secret|token)"\s*:\s*")[^"]*(")/g,
    `$1${MASK}$2`,
  ],
  [/\b((?:client_secret|client_assertion|assertion|access_token|password)=)[^&\s"']+/g, `$1${MASK}`],
  // PEM private keys.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, `-----PRIVATE KEY ${MASK}-----`],
];

export function redact(text: string): string {
  let out = text;
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  for (const [pattern, replacement] of CREDENTIAL_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** What a person sees in place of a secret: that there is one, and its length, nothing of its value. */
export function maskSecret(value: string): string {
  return `${MASK} (${value.length} characters)`;
}
