import { NextResponse, type NextRequest } from "next/server";

import { env } from "~/env";
import { isOrganizationId, tryWidgetPage } from "~/modules/overview/try-widget-page";

/** A bare page with the organization's widget on it (`?organizationId=`), linked from the Overview checklist. */
export function GET(request: NextRequest) {
  const organizationId = request.nextUrl.searchParams.get("organizationId");
  if (!isOrganizationId(organizationId)) {
    return NextResponse.json(
      { error: "Expected ?organizationId=<your organization id>." },
      { status: 400 },
    );
  }
  return new NextResponse(tryWidgetPage(env.NEXT_PUBLIC_PARLEY_EMBED_URL, organizationId), {
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" },
  });
}
