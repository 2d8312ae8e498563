// Creating an account: e-mail, name, role, password and language; a technician's account also creates
// their technician record (region, skills, base location, weekly shifts, how many jobs at most), a
// customer's account belongs to an existing customer.
import { useMemo, useState } from 'preact/hooks';
import type {
  CreateUserRequest,
  Customer,
  Language,
  Role,
  Technician,
  UserView,
} from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { useProfiles } from '../components/profiles';
import { LOCALES } from '../i18n/catalogue';
import { t } from '../i18n/i18n';
import { describeAdminError } from './admin-errors';
import {
  LocationFields,
  ShiftsEditor,
  SkillsEditor,
  WORKING_WEEK,
  rowsToShifts,
  shiftRows,
  type ShiftRow,
  type Skills,
} from './admin-technician-fields';

const ROLES: Role[] = ['engineer', 'technician', 'customer', 'admin'];
const DEFAULT_MAX_JOBS = 6;

export function UserForm({
  customers,
  technicians,
  onCreated,
  onCancel,
}: {
  customers: readonly Customer[];
  technicians: readonly Technician[];
  onCreated: (user: UserView) => void;
  onCancel: () => void;
}) {
  const { api } = useApp();
  const profiles = useProfiles();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('engineer');
  const [password, setPassword] = useState('');
  const [language, setLanguage] = useState<'' | Language>('');
  const [customerId, setCustomerId] = useState('');
  const [region, setRegion] = useState('');
  const [skills, setSkills] = useState<Skills>({});
  const [lat, setLat] = useState('');
  const [lon, setLon] = useState('');
  const [shifts, setShifts] = useState<ShiftRow[]>(() => shiftRows(WORKING_WEEK));
  const [maxJobs, setMaxJobs] = useState(String(DEFAULT_MAX_JOBS));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const regions = useMemo(() => [...new Set(technicians.map((tech) => tech.region))].sort(), [technicians]);
  const sortedCustomers = useMemo(
    () => [...customers].sort((a, b) => a.name.localeCompare(b.name)),
    [customers],
  );

  /** A new technician of a known region starts from the middle of its technicians' bases. */
  const chooseRegion = (next: string): void => {
    setRegion(next);
    const bases = technicians.filter((tech) => tech.region === next).map((tech) => tech.baseLocation);
    if (bases.length && !lat && !lon) {
      setLat((bases.reduce((sum, b) => sum + b.lat, 0) / bases.length).toFixed(4));
      setLon((bases.reduce((sum, b) => sum + b.lon, 0) / bases.length).toFixed(4));
    }
  };

  const fields: Record<string, string> = {
    email: t('admin.users.email'),
    name: t('admin.users.name'),
    role: t('admin.users.role'),
    password: t('admin.users.password'),
    language: t('admin.users.language'),
    customerId: t('admin.users.customer'),
    'technician.region': t('admin.technicians.region'),
    'technician.skills': t('admin.skills.title'),
    'technician.baseLocation': t('admin.location.title'),
    'technician.weeklyShifts': t('admin.shifts.title'),
    'technician.maxOpenTickets': t('admin.technicians.maxJobs'),
  };

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setError(null);
    const body: CreateUserRequest = {
      email: email.trim(),
      name: name.trim(),
      role,
      password,
      ...(language ? { language } : {}),
    };
    if (role === 'customer') body.customerId = customerId;
    if (role === 'technician') {
      const weeklyShifts = rowsToShifts(shifts);
      if (!weeklyShifts) {
        setError(t('admin.shifts.incomplete'));
        return;
      }
      body.technician = {
        region: region.trim(),
        skills,
        baseLocation: { lat: Number(lat), lon: Number(lon) },
        weeklyShifts,
        maxOpenTickets: Number(maxJobs),
      };
    }
    setBusy(true);
    try {
      onCreated(await api.post<UserView>('/api/users', body));
    } catch (caught) {
      setError(describeAdminError(caught, fields));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="card stack"
      onSubmit={(event) => void submit(event)}
      aria-labelledby="user-form-title"
      data-testid="user-form"
    >
      <h2 id="user-form-title">{t('admin.users.newTitle')}</h2>
      <div class="form-grid">
        <label>
          {t('admin.users.email')}
          <input
            type="email"
            required
            autocomplete="off"
            value={email}
            data-testid="user-email"
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('admin.users.name')}
          <input
            required
            maxLength={100}
            value={name}
            data-testid="user-name"
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <label>
          {t('admin.users.role')}
          <select
            value={role}
            data-testid="user-role"
            onChange={(e) => setRole(e.currentTarget.value as Role)}
          >
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('admin.users.password')}
          <input
            type="password"
            required
            minLength={10}
            maxLength={256}
            autocomplete="new-password"
            value={password}
            data-testid="user-password"
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
          <span class="muted small">{t('admin.users.passwordHint')}</span>
        </label>
        <label>
          {t('admin.users.language')}
          <select
            value={language}
            data-testid="user-language"
            onChange={(e) => setLanguage(e.currentTarget.value as '' | Language)}
          >
            <option value="">{t('admin.users.browserLanguage')}</option>
            {LOCALES.map((locale) => (
              <option key={locale} value={locale} lang={locale}>
                {t(`app.languageName.${locale}`)}
              </option>
            ))}
          </select>
        </label>
        {role === 'customer' ? (
          <label>
            {t('admin.users.customer')}
            <select
              required
              value={customerId}
              data-testid="user-customer"
              onChange={(e) => setCustomerId(e.currentTarget.value)}
            >
              <option value="">{t('admin.users.chooseCustomer')}</option>
              {sortedCustomers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.email ? t('admin.users.customerOption', { name: c.name, email: c.email }) : c.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      {role === 'technician' ? (
        <div class="stack" data-testid="user-technician">
          <div class="form-grid">
            <label>
              {t('admin.technicians.region')}
              <input
                required
                maxLength={64}
                list="user-regions"
                value={region}
                data-testid="user-region"
                onInput={(e) => chooseRegion(e.currentTarget.value)}
              />
              <datalist id="user-regions">
                {regions.map((r) => (
                  <option key={r} value={r} />
                ))}
              </datalist>
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
                data-testid="user-max-jobs"
                onInput={(e) => setMaxJobs(e.currentTarget.value)}
              />
            </label>
          </div>
          <SkillsEditor
            value={skills}
            onChange={setSkills}
            profiles={profiles.data ?? []}
            testId="user-skills"
          />
          <LocationFields
            lat={lat}
            lon={lon}
            onChange={(nextLat, nextLon) => {
              setLat(nextLat);
              setLon(nextLon);
            }}
            testId="user-base"
          />
          <ShiftsEditor rows={shifts} onChange={setShifts} testId="user-shifts" />
        </div>
      ) : null}
      {error ? (
        <p class="error-note" role="alert" data-testid="user-form-error">
          {error}
        </p>
      ) : null}
      <div class="form-actions">
        <button type="submit" class="button" disabled={busy} data-testid="user-submit">
          {busy ? t('admin.users.creating') : t('admin.users.create')}
        </button>
        <button type="button" class="button button--ghost" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
