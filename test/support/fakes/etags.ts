/** ETags of the fakes: opaque, never reused (like Table Storage's), so a stale one always loses. */
let counter = 0;
export function nextEtag(): string {
  counter += 1;
  return `W/"fake-${counter}"`;
}

/** Stored values go through JSON, as the real adapters' columns do: no shared references, undefined fields dropped. */
export function stored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
