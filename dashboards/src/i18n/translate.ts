// The translation function without the browser: i18next, typed so that `t()` only takes keys that exist
// in the whole catalogue. It starts with the common words only (sign-in page, shell, labels, errors);
// each workspace's chunk brings its own areas and registers them with `addMessages` when it loads
// (app/routes.ts `loadRoutes`), so no role downloads another role's words before its first page.
// i18n.ts adds the browser's language, the switch and the re-render hook.
import i18next from 'i18next';
import { localeFor, type Locale, type MessageKey } from './catalogue';
import type { Catalogue } from './messages';
import { commonEn, commonZh } from './messages/common';

export type Key = MessageKey<Catalogue>;
export type Vars = Record<string, string | number>;

/** Some areas of the catalogue (or parts of one), every leaf a string. */
export type CataloguePart = { [K in keyof Catalogue]?: PartOf<Catalogue[K]> };
type PartOf<T> = T extends string ? string : { [K in keyof T]?: PartOf<T[K]> };

/** A workspace's words in both languages, registered when its chunk loads. */
export interface AreaMessages {
  en: CataloguePart;
  zh: CataloguePart;
}

export const i18n = i18next.createInstance();
void i18n.init({
  lng: 'en',
  fallbackLng: 'en',
  resources: { en: { translation: commonEn }, 'zh-CN': { translation: commonZh } },
  interpolation: { escapeValue: false }, // Preact escapes text
  returnNull: false,
  initAsync: false,
});

/** Adds (deep-merges) a workspace's words in both languages; loading one twice is harmless. */
export function addMessages(...areas: AreaMessages[]): void {
  for (const { en, zh } of areas) {
    i18n.addResourceBundle('en', 'translation', en, true, true);
    i18n.addResourceBundle('zh-CN', 'translation', zh, true, true);
  }
}

export function currentLocale(): Locale {
  return localeFor(i18n.language);
}

export function t(key: Key, vars?: Vars): string {
  return i18n.t(key, vars ?? {});
}

/** A key chosen at run time (a metric or error code from the server); `fallback` when the catalogue lacks it. */
export function tDynamic(key: string, fallback: string, vars?: Vars): string {
  return i18n.exists(key) ? i18n.t(key, vars ?? {}) : fallback;
}
