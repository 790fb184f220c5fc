// Library build. `vite build` makes the ESM library (lit stays a dependency);
// `vite build --mode bundle` makes the single file for one <script type="module"> tag.
import { defineConfig } from 'vite';

export default defineConfig(({ mode }) => {
  const bundle = mode === 'bundle';
  return {
    build: {
      target: 'es2022',
      outDir: bundle ? 'dist' : 'dist/lib',
      emptyOutDir: !bundle,
      minify: bundle,
      sourcemap: true,
      lib: bundle
        ? { entry: 'widget/bundle.ts', formats: ['es'], fileName: () => 'clinic-chat.bundle.js' }
        : {
            entry: { index: 'widget/index.ts', define: 'widget/define.ts', inbox: 'widget/define-inbox.ts', protocol: 'protocol/index.ts' },
            formats: ['es'],
          },
      rolldownOptions: {
        external: bundle ? [] : [/^lit($|\/)/, /^@lit\//, 'nanoid', 'valibot'],
        output: bundle ? { minify: true } : {},
      },
    },
  };
});
