/** Every item of an SDK collection (it follows Link: rel="next" itself), as plain data. */
export async function all<T>(collection: AsyncIterable<unknown> | { [Symbol.asyncIterator](): AsyncIterator<unknown> }): Promise<T[]> {
  const items: T[] = [];
  for await (const item of collection as AsyncIterable<unknown>) {
    if (item !== null && item !== undefined) items.push(JSON.parse(JSON.stringify(item)) as T);
  }
  return items;
}
