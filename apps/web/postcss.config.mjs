/** Tailwind v4 runs as a single PostCSS plugin; the theme lives in @parley/ui. */
export default {
  plugins: {
    "@tailwindcss/postcss": {},
  },
};
