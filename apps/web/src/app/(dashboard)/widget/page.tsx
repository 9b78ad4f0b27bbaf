import type { Metadata } from "next";

import { WidgetSettingsView } from "~/modules/widget-settings/widget-settings-view";

export const metadata: Metadata = { title: "Widget" };

export default function WidgetPage() {
  return <WidgetSettingsView />;
}
