// The app's language in the browser: the user's saved choice, else the browser's; switching it
// re-renders every component that calls `useI18n`.
import { useEffect, useState } from 'preact/hooks';
import { localeFor, type Locale } from './catalogue';
import { currentLocale, i18n } from './translate';

export { addMessages, currentLocale, t, tDynamic, type AreaMessages, type Key, type Vars } from './translate';

const LANGUAGE_KEY = 'appliance-care.language';

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(LANGUAGE_KEY);
    if (saved) return localeFor(saved);
  } catch {
    // storage blocked: fall through to the browser's language
  }
  return localeFor(navigator.language);
}

void i18n.changeLanguage(initialLocale());

export async function setLocale(locale: Locale): Promise<void> {
  try {
    localStorage.setItem(LANGUAGE_KEY, locale);
  } catch {
    // not remembered in this browser; the server keeps the user's choice
  }
  document.documentElement.lang = locale;
  await i18n.changeLanguage(locale);
}

/** Re-renders the calling component when the language changes; returns the current locale. */
export function useI18n(): Locale {
  const [locale, setState] = useState<Locale>(currentLocale());
  useEffect(() => {
    const onChange = (): void => setState(currentLocale());
    i18n.on('languageChanged', onChange);
    return () => i18n.off('languageChanged', onChange);
  }, []);
  return locale;
}
