import type { AppProps } from "next/app";

import { Providers } from "~/modules/widget/providers";

import "~/styles/globals.css";

/**
 * The widget is one page shown in the loader's iframe, so it uses the Pages
 * Router: its client runtime is about 20 KB gzipped lighter than the App
 * Router's (no React Server Components runtime), and every byte here is
 * downloaded by each visitor who opens the chat (see bench/widget-size.ts).
 */
export default function App({ Component, pageProps }: AppProps) {
  return (
    <Providers>
      <Component {...pageProps} />
    </Providers>
  );
}
