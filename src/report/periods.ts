// Calendar keys in a time zone: the day, week and month a timestamp falls in, as the user's wall clock
// names them (ccusage's grouping: --timezone, default the system's). Pure functions of (ts, zone).
import { usageError } from '../util/cli-error.js';

export type PeriodUnit = 'day' | 'week' | 'month';

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

export const systemTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** A zone Intl knows (IANA name or UTC); a usage error naming the flag otherwise. */
export function checkTimeZone(zone: string, flag = '--timezone'): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw usageError(`${flag}: unknown time zone "${zone}" (an IANA name such as UTC, Europe/Paris, America/New_York)`);
  }
}

/**
 * ts → YYYY-MM-DD in a zone. Every zone's offset is a whole number of quarter hours, so the date is
 * constant within a quarter hour and one Intl call serves all the calls of that quarter.
 */
export class DayKeys {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly memo = new Map<number, string>();
  constructor(readonly zone: string) {
    this.fmt = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  day(ts: number): string {
    const q = Math.floor(ts / 900_000);
    let d = this.memo.get(q);
    if (d === undefined) {
      // en-CA formats as YYYY-MM-DD; parts keep it independent of a locale's punctuation.
      const p = this.fmt.formatToParts(ts);
      const get = (t: string) => p.find((x) => x.type === t)!.value;
      d = `${get('year')}-${get('month')}-${get('day')}`;
      this.memo.set(q, d);
    }
    return d;
  }

  /** The first day (YYYY-MM-DD) of the week holding ts, weeks starting on `startDay` (0 = Sunday). */
  week(ts: number, startDay = 0): string {
    return weekOf(this.day(ts), startDay);
  }

  month(ts: number): string {
    return this.day(ts).slice(0, 7);
  }

  key(unit: PeriodUnit, ts: number, startDay = 0): string {
    return unit === 'day' ? this.day(ts) : unit === 'week' ? this.week(ts, startDay) : this.month(ts);
  }

  /** Epoch ms at which the calendar day YYYY-MM-DD begins in the zone. */
  startOfDay(day: string): number {
    const [y, m, d] = day.split('-').map(Number);
    const utcMidnight = Date.UTC(y, m - 1, d);
    // The zone's offset near that midnight, read back from the formatter (twice: a DST change may fall
    // between UTC midnight and local midnight).
    let t = utcMidnight - this.offsetMs(utcMidnight);
    t = utcMidnight - this.offsetMs(t);
    return t;
  }

  /** Epoch ms at which the period (day, week or month) holding ts begins in the zone. */
  periodStart(unit: PeriodUnit, ts: number, startDay = 0): number {
    const k = this.key(unit, ts, startDay);
    return this.startOfDay(unit === 'month' ? `${k}-01` : k);
  }

  /** Epoch ms at which the period after the one holding ts begins. */
  periodEnd(unit: PeriodUnit, ts: number, startDay = 0): number {
    const k = this.key(unit, ts, startDay);
    const first = unit === 'month' ? `${k}-01` : k;
    const [y, m, d] = first.split('-').map(Number);
    const next = unit === 'day' ? Date.UTC(y, m - 1, d + 1) : unit === 'week' ? Date.UTC(y, m - 1, d + 7) : Date.UTC(y, m, 1);
    return this.startOfDay(new Date(next).toISOString().slice(0, 10));
  }

  private wallFmt?: Intl.DateTimeFormat;

  private offsetMs(ts: number): number {
    // Building a formatter costs more than formatting with it: one per instance.
    this.wallFmt ??= new Intl.DateTimeFormat('en-US', {
      timeZone: this.zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    const p = this.wallFmt.formatToParts(ts);
    const get = (t: string) => Number(p.find((x) => x.type === t)!.value);
    const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    return wall - Math.floor(ts / 1000) * 1000;
  }
}

/** The first day of the week holding `day` (calendar arithmetic on the date alone, no zone needed). */
export function weekOf(day: string, startDay = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  const t = Date.UTC(y, m - 1, d);
  const back = (new Date(t).getUTCDay() - startDay + 7) % 7;
  return new Date(t - back * 86_400_000).toISOString().slice(0, 10);
}

export function parseWeekday(s: string | undefined): number {
  if (s === undefined) return 0;
  const i = WEEKDAYS.indexOf(s.toLowerCase() as (typeof WEEKDAYS)[number]);
  if (i < 0) throw usageError(`--start-of-week: expected a weekday name (${WEEKDAYS.join(', ')}), got "${s}"`);
  return i;
}
