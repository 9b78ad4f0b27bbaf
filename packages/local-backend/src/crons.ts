/**
 * `convex/crons.ts` in the running server: the jobs its default export
 * (`cronJobs()`) registers run on their schedule, in UTC, as Convex runs them
 * (no identity, internal functions allowed).
 *
 * Schedules follow Convex's definitions: `interval` counts from when the jobs
 * were loaded (server start or hot reload); `hourly`/`daily`/`weekly`/
 * `monthly` without `minuteUTC` get a minute derived from the job's name
 * (Convex spreads them across the hour too); `cron` takes standard
 * five-field expressions (six with leading seconds). A run is skipped while
 * the previous run of the same job is still going, and runs missed while the
 * server was stopped are not made up.
 */
import { jsonToConvex, type JSONValue, type Value } from "convex/values";

type Schedule =
  | { type: "interval"; seconds?: number; minutes?: number; hours?: number }
  | { type: "hourly"; minuteUTC?: number }
  | { type: "daily"; hourUTC: number; minuteUTC?: number }
  | { type: "weekly"; dayOfWeek: string; hourUTC: number; minuteUTC?: number }
  | { type: "monthly"; day: number; hourUTC: number; minuteUTC?: number }
  | { type: "cron"; cron: string };

export type CronJob = {
  /** The identifier given to `crons.interval("…", …)`. */
  name: string;
  udfPath: string;
  args: Record<string, Value>;
  schedule: Schedule;
};

const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const DAY_NAMES = DAYS.map((day) => day.slice(0, 3));
const MONTH_NAMES = [
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
];

/** The jobs a `crons.ts` module registers (its default export is Convex's `Crons`). */
export function readCronJobs(module: unknown): CronJob[] {
  const crons = (module as { default?: unknown }).default as
    | {
        isCrons?: boolean;
        crons?: Record<string, { name: string; args: JSONValue[]; schedule: Schedule }>;
      }
    | undefined;
  if (!crons?.isCrons || !crons.crons) {
    throw new Error("crons.ts must `export default` the object `cronJobs()` returns.");
  }
  return Object.entries(crons.crons).map(([name, job]) => {
    const udfPath = job.name.includes(":") ? job.name : `${job.name}:default`;
    return {
      name,
      udfPath: udfPath.replace(/\.js:/, ":"),
      args: jsonToConvex(job.args[0] ?? {}) as Record<string, Value>,
      schedule: job.schedule,
    };
  });
}

/** A minute of the hour that stays the same for a job across restarts. */
function defaultMinute(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 60;
}

type CronSpec = {
  seconds: Set<number>;
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** Standard cron: when both day fields are restricted, either may match. */
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
};

function parseField(field: string, min: number, max: number, names: string[] = []): Set<number> {
  const values = new Set<number>();
  const value = (text: string): number => {
    const named = names.indexOf(text.toLowerCase().slice(0, 3));
    const parsed = named !== -1 ? named + min : Number(text);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      throw new Error(`"${text}" is not between ${min} and ${max}`);
    }
    return parsed;
  };
  for (const part of field.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step in "${part}"`);
    let low: number;
    let high: number;
    if (range === "*") {
      low = min;
      high = max;
    } else if (range.includes("-")) {
      const [from = "", to = ""] = range.split("-");
      low = value(from);
      high = value(to);
    } else {
      low = value(range);
      high = stepText === undefined ? low : max;
    }
    for (let current = low; current <= high; current += step) values.add(current);
  }
  return values;
}

/** Parse `m h dom mon dow` (or `s m h dom mon dow`), UTC. */
export function parseCron(expression: string): CronSpec {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new Error(
      `Cron expression "${expression}" must have 5 fields (minute hour day month weekday) or 6 (with seconds first).`,
    );
  }
  const [second, minute, hour, dayOfMonth, month, dayOfWeek] =
    fields.length === 6 ? fields : ["0", ...fields];
  try {
    const daysOfWeek = parseField(dayOfWeek!, 0, 7, DAY_NAMES);
    if (daysOfWeek.delete(7)) daysOfWeek.add(0); // 7 is Sunday too
    return {
      seconds: parseField(second!, 0, 59),
      minutes: parseField(minute!, 0, 59),
      hours: parseField(hour!, 0, 23),
      daysOfMonth: parseField(dayOfMonth!, 1, 31),
      months: parseField(month!, 1, 12, MONTH_NAMES),
      daysOfWeek,
      dayOfMonthRestricted: dayOfMonth !== "*",
      dayOfWeekRestricted: dayOfWeek !== "*",
    };
  } catch (error) {
    throw new Error(
      `Cron expression "${expression}": ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
}

function dayMatches(spec: CronSpec, date: Date): boolean {
  const ofMonth = spec.daysOfMonth.has(date.getUTCDate());
  const ofWeek = spec.daysOfWeek.has(date.getUTCDay());
  if (spec.dayOfMonthRestricted && spec.dayOfWeekRestricted) return ofMonth || ofWeek;
  return ofMonth && ofWeek;
}

/** The first time strictly after `after` (ms) that `spec` matches. */
export function nextCronTime(spec: CronSpec, after: number): number {
  let time = Math.floor(after / 1000) * 1000 + 1000;
  for (let step = 0; step < 200_000; step++) {
    const date = new Date(time);
    const [year, month, day, hour, minute] = [
      date.getUTCFullYear(),
      date.getUTCMonth(),
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
    ];
    if (!spec.months.has(month + 1)) time = Date.UTC(year, month + 1, 1);
    else if (!dayMatches(spec, date)) time = Date.UTC(year, month, day + 1);
    else if (!spec.hours.has(hour)) time = Date.UTC(year, month, day, hour + 1);
    else if (!spec.minutes.has(minute)) time = Date.UTC(year, month, day, hour, minute + 1);
    else if (!spec.seconds.has(date.getUTCSeconds())) time += 1000;
    else return time;
  }
  throw new Error("The cron expression matches no time in the coming centuries.");
}

/** The cron expression a calendar schedule stands for. */
function calendarCron(name: string, schedule: Exclude<Schedule, { type: "interval" }>): string {
  switch (schedule.type) {
    case "cron":
      return schedule.cron;
    case "hourly":
      return `${schedule.minuteUTC ?? defaultMinute(name)} * * * *`;
    case "daily":
      return `${schedule.minuteUTC ?? defaultMinute(name)} ${schedule.hourUTC} * * *`;
    case "weekly": {
      const day = DAYS.indexOf(schedule.dayOfWeek.toLowerCase());
      return `${schedule.minuteUTC ?? defaultMinute(name)} ${schedule.hourUTC} * * ${day}`;
    }
    case "monthly":
      return `${schedule.minuteUTC ?? defaultMinute(name)} ${schedule.hourUTC} ${schedule.day} * *`;
  }
}

/** When a job runs next, given the time now and when the jobs were loaded. */
export function nextRunTime(job: CronJob, now: number, loadedAt: number): number {
  const { schedule } = job;
  if (schedule.type === "interval") {
    const period =
      ((schedule.seconds ?? 0) + (schedule.minutes ?? 0) * 60 + (schedule.hours ?? 0) * 3600) *
      1000;
    if (!(period > 0)) throw new Error(`Cron job "${job.name}" has no interval.`);
    return loadedAt + (Math.floor((now - loadedAt) / period) + 1) * period;
  }
  return nextCronTime(parseCron(calendarCron(job.name, schedule)), now);
}

/** setTimeout cannot wait longer than this; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Runs a set of jobs on their schedules until stopped. */
export class CronRunner {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<string>();
  private readonly loadedAt = Date.now();
  private stopped = false;

  constructor(
    readonly jobs: readonly CronJob[],
    private readonly run: (job: CronJob) => Promise<void>,
    private readonly onError: (message: string, error: unknown) => void,
  ) {
    for (const job of jobs) this.arm(job);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(job: CronJob): void {
    if (this.stopped) return;
    let due: number;
    try {
      due = nextRunTime(job, Date.now(), this.loadedAt);
    } catch (error) {
      this.onError(`Cron job "${job.name}" will not run`, error);
      return;
    }
    const wait = (): void => {
      const delay = due - Date.now();
      const timer = setTimeout(
        () => (Date.now() >= due ? this.fire(job) : wait()),
        Math.min(Math.max(delay, 0), MAX_TIMER_MS),
      );
      // Crons alone never keep the process alive (the server does).
      timer.unref();
      this.timers.set(job.name, timer);
    };
    wait();
  }

  private fire(job: CronJob): void {
    this.timers.delete(job.name);
    if (this.stopped) return;
    if (!this.running.has(job.name)) {
      this.running.add(job.name);
      this.run(job)
        .catch((error: unknown) => this.onError(`Cron job "${job.name}" failed`, error))
        .finally(() => this.running.delete(job.name));
    }
    this.arm(job);
  }
}
