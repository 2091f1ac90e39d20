// Shared by the HTTP core (src/http/client.ts) and the SCIM bridge's upstream reads (templates/scim-bridge, which
// bundles it in at build time). No imports: the template carries it as is.

/**
 * A response body read to its end, refusing one larger than `maxBytes`: by its Content-Length before reading, or as
 * the bytes arrive. `tooLarge` makes the error each caller throws; the body is cancelled first.
 */
export async function readCappedBody(response: Response, maxBytes: number, tooLarge: () => Error): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
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
