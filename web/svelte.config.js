import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * The dashboard is a static single-page app served by the server process that owns DuckDB
 * (web/server/dashboard.ts); it reads everything through the report API, like any other client.
 */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // precompress: a .br (quality 11) and a .gz (level 9) beside each text file of the build,
    // served by web/server/dashboard.ts to browsers that accept them.
    adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true, precompress: true }),
    alias: { $lib: 'src/lib' },
  },
};
