// The technicians dispatch chooses from: status, region, skills and shifts; an admin changes status,
// skills, shifts, the most jobs at once and the base location, and the next dispatch uses them.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { PatchTechnicianRequest, Technician, TechnicianStatus } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { useProfiles } from '../components/profiles';
import { Async, PageTitle } from '../components/ui';
import { formatNumber } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { describeAdminError } from './admin-errors';
import {
  LocationFields,
  ShiftsEditor,
  SkillsEditor,
  rowsToShifts,
  shiftRows,
  shiftsSummary,
  skillsSummary,
  type ShiftRow,
  type Skills,
} from './admin-technician-fields';

const STATUSES: TechnicianStatus[] = ['available', 'busy', 'off_duty', 'on_leave'];
const STATUS_BADGE: Record<TechnicianStatus, string> = {
  available: 'badge--ok',
  busy: 'badge--warning',
  off_duty: '',
  on_leave: 'badge--minor',
};

export function TechnicianStatusBadge({ status }: { status: TechnicianStatus }) {
  return <span class={`badge ${STATUS_BADGE[status]}`}>{t(`technicianStatus.${status}`)}</span>;
}

export function TechniciansPage() {
  useI18n();
  const { api } = useApp();
  const technicians = useLoad(() => api.get<Technician[]>('/api/technicians'), []);
  const [editing, setEditing] = useState<Technician | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [region, setRegion] = useState('');

  const regions = useMemo(
    () => [...new Set((technicians.data ?? []).map((tech) => tech.region))].sort(),
    [technicians.data],
  );
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return [...(technicians.data ?? [])]
      .filter(
        (tech) =>
          (!region || tech.region === region) &&
          (!q || tech.name.toLowerCase().includes(q) || (tech.email ?? '').toLowerCase().includes(q)),
      )
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [technicians.data, query, region]);
  const paged = usePaged(shown, 25);

  return (
    <>
      <PageTitle>{t('admin.technicians.title')}</PageTitle>
      <div aria-live="polite">
        {saved ? (
          <p class="success-note" data-testid="technician-saved">
            {saved}
          </p>
        ) : null}
      </div>
      {editing ? (
        <TechnicianEditor
          key={editing.id}
          technician={editing}
          onCancel={() => setEditing(null)}
          onSaved={(updated) => {
            technicians.update((list) => list.map((tech) => (tech.id === updated.id ? updated : tech)));
            setEditing(null);
            setSaved(t('admin.technicians.saved', { name: updated.name }));
          }}
        />
      ) : null}
      <section class="card" aria-labelledby="technicians-list-title">
        <h2 id="technicians-list-title">{t('admin.technicians.listTitle')}</h2>
        <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            {t('admin.technicians.search')}
            <input
              type="search"
              value={query}
              data-testid="technician-search"
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('admin.technicians.region')}
            <select value={region} onChange={(e) => setRegion(e.currentTarget.value)}>
              <option value="">{t('filter.all')}</option>
              {regions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
        </form>
        <Async state={technicians}>
          {() => (
            <>
              <p class="muted" aria-live="polite">
                {t('admin.technicians.count', { count: shown.length })}
              </p>
              <div class="table-scroll">
                <table class="data-table data-table--cards" data-testid="technician-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('admin.technicians.name')}</th>
                      <th scope="col">{t('admin.technicians.status')}</th>
                      <th scope="col">{t('admin.technicians.region')}</th>
                      <th scope="col">{t('admin.skills.title')}</th>
                      <th scope="col">{t('admin.shifts.title')}</th>
                      <th scope="col" class="num">
                        {t('admin.technicians.maxJobs')}
                      </th>
                      <th scope="col">{t('admin.location.title')}</th>
                      <th scope="col">
                        <span class="visually-hidden">{t('admin.users.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {paged.items.map((tech) => (
                      <tr key={tech.id} data-testid={`technician-row-${tech.id}`}>
                        <td data-label={t('admin.technicians.name')}>
                          <div>{tech.name}</div>
                          {tech.email ? <div class="muted small">{tech.email}</div> : null}
                        </td>
                        <td data-label={t('admin.technicians.status')}>
                          <TechnicianStatusBadge status={tech.status} />
                        </td>
                        <td data-label={t('admin.technicians.region')}>{tech.region}</td>
                        <td data-label={t('admin.skills.title')}>{skillsSummary(tech.skills)}</td>
                        <td data-label={t('admin.shifts.title')}>{shiftsSummary(tech.weeklyShifts)}</td>
                        <td
                          data-label={t('admin.technicians.maxJobs')}
                          class="num"
                          data-testid="technician-max-jobs"
                        >
                          {tech.maxOpenTickets}
                        </td>
                        <td data-label={t('admin.location.title')} class="nowrap">
                          {formatNumber(tech.baseLocation.lat, 4)}, {formatNumber(tech.baseLocation.lon, 4)}
                        </td>
                        <td>
                          <button
                            type="button"
                            class="button button--ghost button--small"
                            data-testid="technician-edit"
                            aria-label={t('admin.technicians.editWho', { name: tech.name })}
                            onClick={() => {
                              setSaved(null);
                              setEditing(tech);
                            }}
                          >
                            {t('admin.technicians.edit')}
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager paged={paged} />
            </>
          )}
        </Async>
      </section>
    </>
  );
}

function TechnicianEditor({
  technician,
  onSaved,
  onCancel,
}: {
  technician: Technician;
  onSaved: (updated: Technician) => void;
  onCancel: () => void;
}) {
  const { api } = useApp();
  const profiles = useProfiles();
  const [status, setStatus] = useState<TechnicianStatus>(technician.status);
  const [skills, setSkills] = useState<Skills>(technician.skills);
  const [maxJobs, setMaxJobs] = useState(String(technician.maxOpenTickets));
  const [lat, setLat] = useState(String(technician.baseLocation.lat));
  const [lon, setLon] = useState(String(technician.baseLocation.lon));
  const [shifts, setShifts] = useState<ShiftRow[]>(() => shiftRows(technician.weeklyShifts));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    const weeklyShifts = rowsToShifts(shifts);
    if (!weeklyShifts) {
      setError(t('admin.shifts.incomplete'));
      return;
    }
    const body: PatchTechnicianRequest = {
      status,
      skills,
      maxOpenTickets: Number(maxJobs),
      baseLocation: { lat: Number(lat), lon: Number(lon) },
      weeklyShifts,
    };
    setBusy(true);
    try {
      onSaved(await api.patch<Technician>(`/api/technicians/${encodeURIComponent(technician.id)}`, body));
    } catch (caught) {
      setError(
        describeAdminError(caught, {
          status: t('admin.technicians.status'),
          skills: t('admin.skills.title'),
          maxOpenTickets: t('admin.technicians.maxJobs'),
          baseLocation: t('admin.location.title'),
          weeklyShifts: t('admin.shifts.title'),
        }),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="card stack"
      onSubmit={(event) => void submit(event)}
      aria-labelledby="technician-edit-title"
      data-testid="technician-form"
    >
      <h2 id="technician-edit-title" ref={heading} tabindex={-1}>
        {t('admin.technicians.editTitle', { name: technician.name })}
      </h2>
      <div class="form-grid">
        <label>
          {t('admin.technicians.status')}
          <select
            value={status}
            data-testid="technician-status"
            onChange={(e) => setStatus(e.currentTarget.value as TechnicianStatus)}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`technicianStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.technicians.maxJobs')}
          <input
            type="number"
            required
            min={1}
            max={50}
            step={1}
            value={maxJobs}
            data-testid="technician-max-jobs-input"
            onInput={(e) => setMaxJobs(e.currentTarget.value)}
          />
        </label>
      </div>
      <SkillsEditor
        value={skills}
        onChange={setSkills}
        profiles={profiles.data ?? []}
        testId="technician-skills"
      />
      <LocationFields
        lat={lat}
        lon={lon}
        onChange={(nextLat, nextLon) => {
          setLat(nextLat);
          setLon(nextLon);
        }}
        testId="technician-base"
      />
      <ShiftsEditor rows={shifts} onChange={setShifts} testId="technician-shifts" />
      {error ? (
        <p class="error-note" role="alert" data-testid="technician-error">
          {error}
        </p>
      ) : null}
      <div class="form-actions">
        <button type="submit" class="button" disabled={busy} data-testid="technician-save">
          {busy ? t('admin.saving') : t('save')}
        </button>
        <button type="button" class="button button--ghost" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
