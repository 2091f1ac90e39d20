// Shared by the HTTP core (src/http/client.ts) and the SCIM bridge's upstream reads (templates/scim-bridge, which
// bundles it in at build time). No imports: the template carries it as is.

/** A response being read: node:http's (the HTTP core's transport) or fetch's (the bridge). */
export interface CappedBodySource {
  headers: { get(name: string): string | null };
  /** The body's chunks; null when there is none. */
  body: AsyncIterable<Uint8Array> | null;
  /** Stops reading the body and frees the connection. */
  discard(): void;
}

/** A fetch Response as a source: discarding it cancels its stream. */
export function fetchBodySource(response: Response): CappedBodySource & { headers: Headers } {
  const body = response.body;
  return { headers: response.headers, body, discard: () => void body?.cancel().catch(() => undefined) };
}

/**
 * A response body read to its end, refusing one larger than `maxBytes`: by its Content-Length before reading, or as
 * the bytes arrive. `tooLarge` makes the error each caller throws; the body is discarded first.
 */
export async function readCappedBody(
  response: CappedBodySource,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.discard();
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      response.discard();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
