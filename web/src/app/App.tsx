import { lazy, Suspense, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { MetaChatError } from '@metachat/sdk';
import { SignInPage, SignUpPage } from '../features/auth/AuthPages';
import { SessionProvider, useSessionState } from '../features/auth/session-context';
import type { Session } from '../features/auth/session';
import { RoomPage } from '../features/chat/RoomPage';
import { DiaryPage } from '../features/diary/DiaryPage';
import { RoomsPage } from '../features/rooms/RoomsPage';
import { Layout, LanguageSwitch, OfflineBanner } from './Layout';

// The chart library is only loaded when the mood page is opened.
const MoodPage = lazy(() => import('../features/mood/MoodPage'));

/** Client errors (4xx) are answers, not outages: only network failures and 5xx are retried. */
const retry = (count: number, err: unknown) =>
  count < 3 && !(err instanceof MetaChatError && err.status >= 400 && err.status < 500);

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: { queries: { retry, staleTime: 10_000 }, mutations: { retry: false } },
  });
}

function RequireSession({ children }: { children: ReactNode }) {
  const state = useSessionState();
  const location = useLocation();
  if (state.status === 'signed-out')
    return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  return children;
}

function NotFound() {
  const { t } = useTranslation();
  return <p className="page">{t('app.notFound')}</p>;
}

export function App({ session, queryClient }: { session: Session; queryClient: QueryClient }) {
  const { t } = useTranslation();
  return (
    <SessionProvider session={session}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Routes>
            {['/sign-in', '/sign-up'].map((path) => (
              <Route
                key={path}
                path={path}
                element={
                  <>
                    <header className="top">
                      <span className="brand">{t('app.name')}</span>
                      <LanguageSwitch />
                    </header>
                    <OfflineBanner />
                    {path === '/sign-in' ? <SignInPage /> : <SignUpPage />}
                  </>
                }
              />
            ))}
            <Route
              element={
                <RequireSession>
                  <Layout />
                </RequireSession>
              }
            >
              <Route index element={<RoomsPage />} />
              <Route path="/rooms/:room" element={<RoomPage />} />
              <Route path="/diary" element={<DiaryPage />} />
              <Route
                path="/mood"
                element={
                  <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
                    <MoodPage />
                  </Suspense>
                }
              />
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </SessionProvider>
  );
}
