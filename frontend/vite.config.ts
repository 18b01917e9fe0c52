import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// dist is embedded by main.go (go:embed all:frontend/dist); the build script
// re-creates dist/.gitkeep because Vite empties the folder first.
export default defineConfig({
  plugins: [svelte()],
  build: { target: 'es2022', chunkSizeWarningLimit: 800 },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
