// Vite configuration for the digitrade portal.
//
// JSX is compiled by esbuild straight to Preact's automatic runtime, so no
// framework plugin is needed. `npm run dev` proxies the server's endpoints to
// a digitrade server on 127.0.0.1:8080 (start one with
// `digitrade serve --listen 127.0.0.1:8080 ...`).
import { defineConfig } from 'vite';

const server = 'http://127.0.0.1:8080';

export default defineConfig({
  base: './',
  esbuild: {
    jsx: 'automatic',
    jsxImportSource: 'preact',
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      '/v1': server,
      '/healthz': server,
      '/metrics': server,
      '/log': server,
    },
  },
  preview: {
    host: '127.0.0.1',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 0,
  },
});
