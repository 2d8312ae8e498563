/**
 * Sets `record[key] = value` as an own property, whatever the key: `"__proto__"` too, which a plain
 * assignment would take as the prototype. A metrics object rebuilt from packed storage keeps every
 * key the reading had, as JSON.parse and the structured clone keep them.
 */
export function setOwnKey(record: Record<string, number>, key: string, value: number): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}
