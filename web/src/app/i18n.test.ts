import { pickLanguage } from './i18n';
import { en } from './locales/en';
import { ru } from './locales/ru';

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );

describe('languages', () => {
  it('takes the saved choice, else the browser’s first known language, else English', () => {
    expect(pickLanguage('ru', ['en-US'])).toBe('ru');
    expect(pickLanguage(null, ['de-DE', 'ru-RU', 'en'])).toBe('ru');
    expect(pickLanguage(null, ['de-DE'])).toBe('en');
  });

  it('has every English text in Russian too', () => {
    expect(keys(ru).sort()).toEqual(keys(en).sort());
  });
});
