import { OverviewView } from "~/modules/overview/overview-view";

export default function OverviewPage() {
  return <OverviewView />;
}
