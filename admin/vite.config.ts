// The admin page: built into dist/admin (served by the server at /admin; see src/http/admin.ts).
// `npx vite admin` serves it with live reload against a Clientele running on port 4000.
import { defineConfig } from 'vite';

const API = 'http://127.0.0.1:4000';

export default defineConfig({
  base: '/admin/',
  build: { outDir: '../dist/admin', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { proxy: { '/beta': API, '/v1.0': API, '/admin/api': API } },
});
