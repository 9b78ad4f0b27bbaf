import { ChatWidget } from "~/modules/chat/chat-widget";

type SearchParams = Record<string, string | string[] | undefined>;

/** The loader opens this page in an iframe with `?organizationId=…`. */
export default async function WidgetPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const { organizationId } = await searchParams;
  return (
    <ChatWidget organizationId={typeof organizationId === "string" ? organizationId : undefined} />
  );
}
