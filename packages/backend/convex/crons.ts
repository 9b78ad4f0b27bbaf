import { cronJobs } from "convex/server";

import { internal } from "./_generated/api";

const crons = cronJobs();

// Embed knowledge-base sources that lack vectors from the configured embedding
// model (added before OPENAI_API_KEY was set, model changed, failed a day ago).
// Does nothing without an API key.
crons.hourly("embed knowledge sources", { minuteUTC: 17 }, internal.system.embeddings.backfill, {});

// Delete uploads nothing refers to (a logo chosen but never saved, or refused).
crons.daily(
  "sweep orphaned uploads",
  { hourUTC: 3, minuteUTC: 41 },
  internal.system.storage.sweepOrphans,
  {},
);

// Mark visitor sessions past their expiry. Each session has its own expiry job;
// this catches any it lost (and sessions created before the jobs existed).
crons.hourly(
  "expire visitor sessions",
  { minuteUTC: 29 },
  internal.system.contactSessions.sweepExpired,
  {},
);

// Delete visitor sessions marked expired, with what only they refer to (typing rows,
// per-session rate limits). Their conversations and messages stay, each keeping a copy
// of the contact's details.
crons.daily(
  "delete expired visitor sessions",
  { hourUTC: 4, minuteUTC: 13 },
  internal.system.contactSessions.deleteExpired,
  {},
);

export default crons;
