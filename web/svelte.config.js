import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * The dashboard is a static single-page app served by the server process that owns DuckDB
 * (web/server/dashboard.ts); it reads everything through the report API, like any other client.
 */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
    alias: { $lib: 'src/lib' },
  },
};
