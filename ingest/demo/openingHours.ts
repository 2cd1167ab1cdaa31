import type { BusinessHours } from '../../db/registry';

const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** Wall-clock arithmetic in one IANA time zone, with the UTC offset cached per hour. */
export class LocalClock {
  readonly #format: Intl.DateTimeFormat;
  readonly #offsets = new Map<number, number>();
  readonly #hourlyOffsets = new Map<number, number>();

  constructor(readonly timeZone: string) {
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
  }

  /** Milliseconds to add to a UTC instant to get the local wall-clock time. */
  offsetMs(utcMs: number): number {
    // Offsets change at most on whole UTC quarter hours and rarely: a day whose start and end
    // agree is cached whole, a day with a change hour by hour.
    const day = Math.floor(utcMs / MS_PER_DAY);
    let offset = this.#offsets.get(day);
    if (offset === undefined) {
      const atStart = this.#lookUp(day * MS_PER_DAY);
      offset = atStart === this.#lookUp((day + 1) * MS_PER_DAY - MS_PER_HOUR) ? atStart : NaN;
      this.#offsets.set(day, offset);
    }
    if (!Number.isNaN(offset)) return offset;
    const hour = Math.floor(utcMs / MS_PER_HOUR);
    let hourly = this.#hourlyOffsets.get(hour);
    if (hourly === undefined) {
      hourly = this.#lookUp(hour * MS_PER_HOUR);
      this.#hourlyOffsets.set(hour, hourly);
    }
    return hourly;
  }

  #lookUp(utcMs: number): number {
    const parts: Record<string, number> = {};
    for (const p of this.#format.formatToParts(new Date(utcMs))) parts[p.type] = Number(p.value);
    return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!) - utcMs;
  }

  /** Local wall-clock time as if it were UTC (for day and hour arithmetic). */
  toLocal(utcMs: number): number {
    return utcMs + this.offsetMs(utcMs);
  }

  fromLocal(localMs: number): number {
    const guess = localMs - this.offsetMs(localMs);
    return localMs - this.offsetMs(guess);
  }

  /** 0 = Sunday. */
  weekday(utcMs: number): number {
    return (Math.floor(this.toLocal(utcMs) / MS_PER_DAY) + 4) % 7;
  }

  hourOfDay(utcMs: number): number {
    return Math.floor((this.toLocal(utcMs) % MS_PER_DAY) / MS_PER_HOUR);
  }
}

type Interval = readonly [number, number];

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A business's opening hours (business_hours) in its time zone. */
export class OpeningHours {
  readonly #days: Interval[][];

  constructor(
    hours: BusinessHours,
    readonly clock: LocalClock,
  ) {
    this.#days = DAY_KEYS.map((key) => (hours[key] ?? []).map(([from, to]) => [minutes(from), minutes(to)] as const));
  }

  isOpen(utcMs: number): boolean {
    return this.nextOpening(utcMs) === utcMs;
  }

  /** utcMs itself when open then, else when it next opens (within a week), else Infinity. */
  nextOpening(utcMs: number): number {
    const local = this.clock.toLocal(utcMs);
    const dayIndex = Math.floor(local / MS_PER_DAY);
    const minuteOfDay = (local - dayIndex * MS_PER_DAY) / MS_PER_MINUTE;
    for (let ahead = 0; ahead <= 7; ahead++) {
      const intervals = this.#days[(dayIndex + ahead + 4) % 7]!;
      for (const [from, to] of intervals) {
        if (ahead === 0 && minuteOfDay >= from && minuteOfDay < to) return utcMs;
        if (ahead > 0 || from > minuteOfDay) {
          return this.clock.fromLocal((dayIndex + ahead) * MS_PER_DAY + from * MS_PER_MINUTE);
        }
      }
    }
    return Infinity;
  }
}
