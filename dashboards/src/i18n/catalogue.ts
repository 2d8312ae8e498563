// Types shared by every message catalogue: the Chinese one must have exactly the English one's keys
// (tsc fails on a missing or extra key), and `t()` accepts only keys that exist.

/** The same tree of keys as `T`, every leaf a string. */
export type Messages<T> = { [K in keyof T]: T[K] extends string ? string : Messages<T[K]> };

type Join<A extends string, B extends string> = `${A}.${B}`;
/** i18next plural forms: `items_one` / `items_other` are asked for as `items` with a `count`. */
type StripPlural<K extends string> =
  K extends `${infer Base}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? Base : K;

/** Every dotted key of a catalogue, plural forms folded into their base key. */
export type MessageKey<T> = {
  [K in keyof T & string]: T[K] extends string ? StripPlural<K> : Join<K, MessageKey<T[K]>>;
}[keyof T & string];

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** The catalogue language for a browser or user language tag: any Chinese → zh-CN, else English. */
export function localeFor(tag: string | null | undefined): Locale {
  return tag && /^zh\b/i.test(tag) ? 'zh-CN' : 'en';
}
