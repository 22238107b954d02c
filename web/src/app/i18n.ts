import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { ru } from './locales/ru';

export const languages = ['en', 'ru'] as const;
export type Language = (typeof languages)[number];
const storageKey = 'metachat.language';

/** The saved choice, else the browser's first language we speak, else English. */
export function pickLanguage(saved: string | null, preferred: readonly string[]): Language {
  const known = (tag: string) => languages.find((l) => tag.toLowerCase().split('-')[0] === l);
  return known(saved ?? '') ?? preferred.map(known).find(Boolean) ?? 'en';
}

export function setupI18n(storage: Pick<Storage, 'getItem'> | undefined, preferred: readonly string[]) {
  void i18n.use(initReactI18next).init({
    resources: { en: { translation: en }, ru: { translation: ru } },
    lng: pickLanguage(storage?.getItem(storageKey) ?? null, preferred),
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes
  });
  i18n.on('languageChanged', (lng) => {
    document.documentElement.lang = lng;
  });
  document.documentElement.lang = i18n.language;
  return i18n;
}

export function chooseLanguage(lng: Language) {
  localStorage.setItem(storageKey, lng);
  void i18n.changeLanguage(lng);
}

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: typeof en };
  }
}
