// The parts of a technician's record an admin edits, shared by "new user" and "edit technician":
// skills per appliance type (level 1-3), weekly shifts (UTC) and the base location.
import type {
  ApplianceProfileView,
  ApplianceType,
  TechnicianSkill,
  WeeklyShift,
} from '../../../contracts/src';
import { currentLocale, t } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';

export type Skills = Partial<Record<ApplianceType, TechnicianSkill>>;

/** Monday first, as people plan a week; the stored weekday is 0 = Sunday. */
const WEEK = [1, 2, 3, 4, 5, 6, 0];

export function weekdayName(weekday: number, style: 'short' | 'long' = 'short'): string {
  // 2024-01-07 was a Sunday
  return new Intl.DateTimeFormat(currentLocale(), { weekday: style, timeZone: 'UTC' }).format(
    Date.UTC(2024, 0, 7 + weekday),
  );
}

export function minutesToTime(minutes: number): string {
  const m = minutes % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export function timeToMinutes(time: string): number | null {
  const match = /^(\d{2}):(\d{2})/.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** "Mon–Fri 07:00–16:00, Sat 09:00–13:00": runs of weekdays with the same hours. */
export function shiftsSummary(shifts: readonly WeeklyShift[]): string {
  if (shifts.length === 0) return t('admin.shifts.none');
  const sorted = [...shifts].sort(
    (a, b) => WEEK.indexOf(a.weekday) - WEEK.indexOf(b.weekday) || a.startMin - b.startMin,
  );
  const groups: Array<{ first: number; last: number; startMin: number; endMin: number }> = [];
  for (const shift of sorted) {
    const previous = groups[groups.length - 1];
    if (
      previous &&
      previous.startMin === shift.startMin &&
      previous.endMin === shift.endMin &&
      WEEK.indexOf(shift.weekday) === WEEK.indexOf(previous.last) + 1
    )
      previous.last = shift.weekday;
    else
      groups.push({
        first: shift.weekday,
        last: shift.weekday,
        startMin: shift.startMin,
        endMin: shift.endMin,
      });
  }
  return groups
    .map((g) =>
      t('admin.shifts.run', {
        days:
          g.first === g.last
            ? weekdayName(g.first)
            : t('admin.shifts.dayRange', { from: weekdayName(g.first), to: weekdayName(g.last) }),
        start: minutesToTime(g.startMin),
        end: minutesToTime(g.endMin),
      }),
    )
    .join(t('admin.shifts.separator'));
}

/** "Washing machine 2 · Refrigerator 1". */
export function skillsSummary(skills: Skills): string {
  const entries = Object.entries(skills) as Array<[ApplianceType, TechnicianSkill]>;
  if (entries.length === 0) return t('admin.skills.none');
  return entries
    .map(([type, skill]) => t('admin.skills.entry', { type: typeLabel(type), level: skill.level }))
    .join(' · ');
}

export function SkillsEditor({
  value,
  onChange,
  profiles,
  testId,
}: {
  value: Skills;
  onChange: (next: Skills) => void;
  profiles: readonly ApplianceProfileView[];
  testId: string;
}) {
  const setLevel = (profile: ApplianceProfileView, level: string): void => {
    const next: Skills = { ...value };
    if (!level) delete next[profile.type];
    else
      next[profile.type] = {
        level: Number(level) as TechnicianSkill['level'],
        // a new skill covers every fault mode of the type; an existing one keeps its list
        faultModes: value[profile.type]?.faultModes ?? profile.faultModes.map((f) => f.mode),
      };
    onChange(next);
  };
  return (
    <fieldset class="admin-fieldset" data-testid={testId}>
      <legend>{t('admin.skills.title')}</legend>
      <div class="form-grid">
        {profiles.map((profile) => (
          <label key={profile.type}>
            {typeLabel(profile.type)}
            <select
              value={String(value[profile.type]?.level ?? '')}
              data-testid={`${testId}-${profile.type}`}
              onChange={(e) => setLevel(profile, e.currentTarget.value)}
            >
              <option value="">{t('admin.skills.noSkill')}</option>
              <option value="1">{t('admin.skills.level1')}</option>
              <option value="2">{t('admin.skills.level2')}</option>
              <option value="3">{t('admin.skills.level3')}</option>
            </select>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export interface ShiftRow {
  key: number;
  weekday: number;
  start: string;
  end: string;
}

let nextKey = 0;
export function shiftRows(shifts: readonly WeeklyShift[]): ShiftRow[] {
  return shifts.map((s) => ({
    key: nextKey++,
    weekday: s.weekday,
    start: minutesToTime(s.startMin),
    end: minutesToTime(s.endMin),
  }));
}

/** Monday to Friday, 08:00 to 17:00 UTC: where a new technician's plan starts. */
export const WORKING_WEEK: WeeklyShift[] = [1, 2, 3, 4, 5].map((weekday) => ({
  weekday,
  startMin: 480,
  endMin: 1020,
}));

/** The rows as shifts; null when a time is missing. */
export function rowsToShifts(rows: readonly ShiftRow[]): WeeklyShift[] | null {
  const shifts: WeeklyShift[] = [];
  for (const row of rows) {
    const startMin = timeToMinutes(row.start);
    const endMin = timeToMinutes(row.end);
    if (startMin === null || endMin === null) return null;
    shifts.push({ weekday: row.weekday, startMin, endMin });
  }
  return shifts;
}

export function ShiftsEditor({
  rows,
  onChange,
  testId,
}: {
  rows: ShiftRow[];
  onChange: (rows: ShiftRow[]) => void;
  testId: string;
}) {
  const set = (key: number, change: Partial<ShiftRow>): void =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...change } : row)));
  return (
    <fieldset class="admin-fieldset" data-testid={testId}>
      <legend>{t('admin.shifts.title')}</legend>
      <p class="muted small">{t('admin.shifts.hint')}</p>
      {rows.length === 0 ? <p class="muted small">{t('admin.shifts.none')}</p> : null}
      {rows.map((row, index) => (
        <div class="admin-row" key={row.key} data-testid={`${testId}-row`}>
          <label>
            {t('admin.shifts.weekday')}
            <select
              value={String(row.weekday)}
              onChange={(e) => set(row.key, { weekday: Number(e.currentTarget.value) })}
            >
              {WEEK.map((day) => (
                <option key={day} value={String(day)}>
                  {weekdayName(day, 'long')}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('admin.shifts.start')}
            <input
              type="time"
              required
              value={row.start}
              onInput={(e) => set(row.key, { start: e.currentTarget.value })}
            />
          </label>
          <label>
            {t('admin.shifts.end')}
            <input
              type="time"
              required
              value={row.end}
              onInput={(e) => set(row.key, { end: e.currentTarget.value })}
            />
          </label>
          <button
            type="button"
            class="button button--ghost button--small"
            aria-label={t('admin.shifts.removeN', { n: index + 1 })}
            onClick={() => onChange(rows.filter((r) => r.key !== row.key))}
          >
            {t('admin.remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        class="button button--ghost button--small"
        data-testid={`${testId}-add`}
        onClick={() => onChange([...rows, { key: nextKey++, weekday: 1, start: '08:00', end: '17:00' }])}
      >
        {t('admin.shifts.add')}
      </button>
    </fieldset>
  );
}

export function LocationFields({
  lat,
  lon,
  onChange,
  testId,
}: {
  lat: string;
  lon: string;
  onChange: (lat: string, lon: string) => void;
  testId: string;
}) {
  return (
    <fieldset class="admin-fieldset" data-testid={testId}>
      <legend>{t('admin.location.title')}</legend>
      <div class="form-grid">
        <label>
          {t('admin.location.lat')}
          <input
            type="number"
            required
            step="any"
            min={-90}
            max={90}
            value={lat}
            data-testid={`${testId}-lat`}
            onInput={(e) => onChange(e.currentTarget.value, lon)}
          />
        </label>
        <label>
          {t('admin.location.lon')}
          <input
            type="number"
            required
            step="any"
            min={-180}
            max={180}
            value={lon}
            data-testid={`${testId}-lon`}
            onInput={(e) => onChange(lat, e.currentTarget.value)}
          />
        </label>
      </div>
    </fieldset>
  );
}
