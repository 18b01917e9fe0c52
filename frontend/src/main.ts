import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

// Wails' dev-mode IPC (the WebSocket one served at /wails/ipc.js, used when
// the app runs in a browser: dev build, e2e) mounts its reconnect overlay
// on DOMContentLoaded with `new Overlay(...)`, which its bundled Svelte 5
// does not support: it throws "Cannot read properties of null (reading
// 'nodes')" on every page load and the overlay never shows anyway. Nothing
// else listens for DOMContentLoaded (this app mounts from this module), so
// in that mode the event is stopped before it reaches that handler. The
// desktop app loads another IPC and is not affected.
if (location.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(location.hostname)) {
  window.addEventListener('DOMContentLoaded', (e) => e.stopImmediatePropagation(), { capture: true });
}

const app = mount(App, { target: document.getElementById('app')! });

export default app;
