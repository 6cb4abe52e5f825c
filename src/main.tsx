import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { registerServiceWorker } from './ui/serviceWorker.ts';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Offline once loaded: the service worker caches the whole build (not in dev, where files
// change on every edit).
if (import.meta.env.PROD && 'serviceWorker' in navigator)
  registerServiceWorker(navigator.serviceWorker);
