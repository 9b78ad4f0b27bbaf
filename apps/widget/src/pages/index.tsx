import Head from "next/head";

import { WidgetApp } from "~/modules/widget/widget-app";

/**
 * The loader opens this page in an iframe with `?organizationId=…&hostOrigin=…`.
 * The page is static: the server sends the loading frame, and the widget reads
 * its parameters in the browser (see WidgetApp).
 */
export default function WidgetPage() {
  return (
    <>
      <Head>
        <title>Parley chat</title>
        <meta name="viewport" content="width=device-width, initial-scale=1" />
      </Head>
      <WidgetApp />
    </>
  );
}
