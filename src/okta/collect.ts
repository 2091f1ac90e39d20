/** Every item of a list (the client follows Link: rel="next"). */
export async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) if (item !== null && item !== undefined) out.push(item);
  return out;
}
