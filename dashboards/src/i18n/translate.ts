// The translation function without the browser: i18next with every catalogue, typed so that `t()` only
// takes keys that exist. i18n.ts adds the browser's language, the switch and the re-render hook.
import i18next from 'i18next';
import { localeFor, type Locale, type MessageKey } from './catalogue';
import { catalogueEn, catalogueZh, type Catalogue } from './messages';

export type Key = MessageKey<Catalogue>;
export type Vars = Record<string, string | number>;

export const i18n = i18next.createInstance();
void i18n.init({
  lng: 'en',
  fallbackLng: 'en',
  resources: { en: { translation: catalogueEn }, 'zh-CN': { translation: catalogueZh } },
  interpolation: { escapeValue: false }, // Preact escapes text
  returnNull: false,
  initAsync: false,
});

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
