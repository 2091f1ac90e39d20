/**
 * Remote and file data (app labels, descriptions, error texts, claims) may hold terminal escapes: a screen clear,
 * cursor moves over a plan, hidden hyperlinks, an OSC 52 clipboard write. Every line the CLI writes goes through
 * `neutralize`: C0 controls (but \n and \t), DEL, C1 controls and the Unicode line and paragraph separators become
 * a visible \uXXXX escape. Inside JSON text that is the escape JSON itself uses, so JSON output stays valid JSON.
 */
// eslint-disable-next-line no-control-regex -- the terminal neutraliser: finds control characters to escape them
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

export function neutralize(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
