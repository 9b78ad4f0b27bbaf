import { WidgetApp } from "~/modules/widget/widget-app";

type SearchParams = Record<string, string | string[] | undefined>;

const single = (value: string | string[] | undefined) =>
  typeof value === "string" ? value : undefined;

/**
 * The loader opens this page in an iframe with `?organizationId=…&hostOrigin=…`
 * (the host page's origin, which the widget verifies before trusting it).
 */
export default async function WidgetPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const params = await searchParams;
  return (
    <WidgetApp
      organizationId={single(params.organizationId)}
      claimedHostOrigin={single(params.hostOrigin)}
    />
  );
}
