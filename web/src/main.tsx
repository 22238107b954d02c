import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createQueryClient } from './app/App';
import { setupI18n } from './app/i18n';
import { Session } from './features/auth/session';
import './app/app.css';

setupI18n(localStorage, navigator.languages);
const session = new Session(window.location.origin, localStorage);
const queryClient = createQueryClient();
// A new person signing in must not see the last one's cached rooms.
session.subscribe(() => {
  if (session.state.status === 'signed-out') queryClient.clear();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App session={session} queryClient={queryClient} />
  </StrictMode>,
);

if ('serviceWorker' in navigator && import.meta.env.PROD) void navigator.serviceWorker.register('/sw.js');
