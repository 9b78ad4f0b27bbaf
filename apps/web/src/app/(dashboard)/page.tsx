import { DashboardView } from "~/modules/dashboard/dashboard-view";

export default function HomePage() {
  return <DashboardView />;
}
