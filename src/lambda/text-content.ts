// Shared by `hook serve` (src/lambda/serve.ts) and the deployed handlers (templates/shared/lambda.ts, which bundle
// it in at build time): the local server and the function decide the same way which bodies travel as text.

/** Content types whose bodies travel as UTF-8 text; anything else is base64 in a function URL result. */
export function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const ct = contentType.toLowerCase();
  return (
    ct.startsWith('text/') ||
    /[/+]json\b/.test(ct) ||
    /[/+]xml\b/.test(ct) ||
    ct.includes('javascript') ||
    ct.includes('x-www-form-urlencoded')
  );
}
