/**
 * The forms a secret travels in, for the suites that search every output and file for one (canaries, sealed
 * tokens): a hit on any form is a leak.
 */

function encodings(value: string): Set<string> {
  return new Set([
    value,
    encodeURIComponent(value),
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('base64url'),
  ]);
}

/** As is, URL-encoded, base64, base64url, and (for one of 24 characters or more) an inner fragment. */
export function secretForms(value: string): string[] {
  const out = encodings(value);
  if (value.length >= 24) out.add(value.slice(4, 20));
  return [...out];
}

/**
 * secretForms, where a JWT is known by its payload and signature (headers repeat across tokens) and a PEM by any
 * line of its body, instead of by a fragment.
 */
export function credentialForms(value: string): string[] {
  const out = encodings(value);
  if (value.startsWith('eyJ')) {
    for (const part of value.split('.').slice(1)) if (part.length >= 16) out.add(part);
  } else if (value.includes('PRIVATE KEY')) {
    for (const line of value.split('\n')) if (/^[A-Za-z0-9+/=]{40,}$/.test(line.trim())) out.add(line.trim());
  } else if (value.length >= 24) {
    out.add(value.slice(4, 20));
  }
  return [...out];
}
