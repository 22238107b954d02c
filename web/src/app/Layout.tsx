import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import { useSession } from '../features/auth/session-context';
import { chooseLanguage, languages, type Language } from './i18n';

const subscribeOnline = (onChange: () => void) => {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
};

export function useOnline() {
  return useSyncExternalStore(subscribeOnline, () => navigator.onLine);
}

export function OfflineBanner() {
  const { t } = useTranslation();
  return useOnline() ? null : (
    <div className="offline" role="status">
      {t('app.offline')}
    </div>
  );
}

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span className="visually-hidden">{t('app.language')}</span>
      <select value={i18n.language} onChange={(e) => chooseLanguage(e.target.value as Language)}>
        {languages.map((l) => (
          <option key={l} value={l}>
            {l === 'en' ? 'English' : 'Русский'}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The signed-in frame: navigation, language, sign out, and the page. */
export function Layout() {
  const { t } = useTranslation();
  const session = useSession();
  return (
    <>
      <a className="skip" href="#content">
        {t('app.name')}
      </a>
      <header className="top">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('app.nav')}>
          <NavLink to="/" end>
            {t('app.rooms')}
          </NavLink>
          <NavLink to="/diary">{t('app.diary')}</NavLink>
          <NavLink to="/mood">{t('app.mood')}</NavLink>
        </nav>
        <LanguageSwitch />
        <button type="button" onClick={() => void session.signOut()}>
          {t('app.signOut')}
        </button>
      </header>
      <OfflineBanner />
      <div id="content">
        <Outlet />
      </div>
    </>
  );
}
