// The admin's accounts: every user with role, language and whether they may sign in; new accounts
// (a technician's with their technician record), disabling and enabling, and a password reset whose
// temporary password is shown once.
import { useMemo, useState } from 'preact/hooks';
import type { ResetPasswordResponse, Role, Technician, UserView } from '../../../contracts/src';
import type { ApiClient } from '../api/api-client';
import { useApp } from '../app/app-context';
import { useLoad } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, PageTitle } from '../components/ui';
import { loadAllCustomers } from '../engineer/desk-data';
import { OneTimeSecret } from '../engineer/desk-secret';
import { t, useI18n } from '../i18n/i18n';
import { describeAdminError } from './admin-errors';
import { UserForm } from './admin-user-form';

const USER_PAGE = 1000;
const ROLES: Role[] = ['admin', 'engineer', 'technician', 'customer', 'manager'];

/** Every user: `GET /api/users` answers at most 1000 at a time. */
async function loadAllUsers(api: ApiClient): Promise<UserView[]> {
  const all: UserView[] = [];
  for (let offset = 0; ; offset += USER_PAGE) {
    const page = await api.get<UserView[]>('/api/users', { limit: USER_PAGE, offset });
    all.push(...page);
    if (page.length < USER_PAGE) return all;
  }
}

type Notice =
  | { kind: 'done'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'password'; text: string; password: string };

export function UsersPage() {
  useI18n();
  const { api, me } = useApp();
  const users = useLoad(() => loadAllUsers(api), []);
  const customers = useLoad(() => loadAllCustomers(api), []);
  const technicians = useLoad(() => api.get<Technician[]>('/api/technicians'), []);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [role, setRole] = useState<'' | Role>('');
  const [query, setQuery] = useState('');

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (users.data ?? []).filter(
      (u) =>
        (!role || u.role === role) &&
        (!q || u.email.toLowerCase().includes(q) || (u.name ?? '').toLowerCase().includes(q)),
    );
  }, [users.data, role, query]);
  const paged = usePaged(shown, 25);
  const display = (user: UserView): string => user.name ?? user.email;

  const setDisabled = async (user: UserView, disabled: boolean): Promise<void> => {
    setBusyId(user.id);
    setNotice(null);
    try {
      const updated = await api.post<UserView>(
        `/api/users/${encodeURIComponent(user.id)}/${disabled ? 'disable' : 'enable'}`,
      );
      users.update((list) => list.map((u) => (u.id === updated.id ? updated : u)));
      setNotice({
        kind: 'done',
        text: t(disabled ? 'admin.users.disabledDone' : 'admin.users.enabledDone', { name: display(user) }),
      });
    } catch (caught) {
      setNotice({ kind: 'error', text: describeAdminError(caught) });
    } finally {
      setBusyId(null);
    }
  };

  const resetPassword = async (user: UserView): Promise<void> => {
    setBusyId(user.id);
    setNotice(null);
    try {
      const answer = await api.post<ResetPasswordResponse>(
        `/api/users/${encodeURIComponent(user.id)}/reset-password`,
        {},
      );
      setNotice(
        answer.temporaryPassword
          ? {
              kind: 'password',
              text: t('admin.users.resetDone', { name: display(user) }),
              password: answer.temporaryPassword,
            }
          : { kind: 'done', text: t('admin.users.resetDone', { name: display(user) }) },
      );
    } catch (caught) {
      setNotice({ kind: 'error', text: describeAdminError(caught) });
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      <PageTitle
        actions={
          creating ? null : (
            <button
              type="button"
              class="button"
              data-testid="user-new"
              onClick={() => {
                setNotice(null);
                setCreating(true);
              }}
            >
              {t('admin.users.new')}
            </button>
          )
        }
      >
        {t('admin.users.title')}
      </PageTitle>
      <div aria-live="polite" data-testid="user-notice">
        {notice?.kind === 'done' ? <p class="success-note">{notice.text}</p> : null}
        {notice?.kind === 'error' ? (
          <p class="error-note" role="alert">
            {notice.text}
          </p>
        ) : null}
        {notice?.kind === 'password' ? (
          <section class="card" aria-label={notice.text}>
            <p class="success-note">{notice.text}</p>
            <OneTimeSecret
              value={notice.password}
              warning={t('admin.users.temporaryWarning')}
              testId="user-temporary-password"
            />
            <button type="button" class="button button--ghost button--small" onClick={() => setNotice(null)}>
              {t('admin.users.dismiss')}
            </button>
          </section>
        ) : null}
      </div>
      {creating ? (
        <UserForm
          customers={customers.data ?? []}
          technicians={technicians.data ?? []}
          onCancel={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            users.update((list) => [...list, user].sort((a, b) => a.email.localeCompare(b.email)));
            setQuery(user.email);
            setRole('');
            setNotice({ kind: 'done', text: t('admin.users.created', { email: user.email }) });
          }}
        />
      ) : null}
      <section class="card" aria-labelledby="users-list-title">
        <h2 id="users-list-title">{t('admin.users.listTitle')}</h2>
        <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            {t('admin.users.search')}
            <input
              type="search"
              value={query}
              data-testid="user-search"
              onInput={(e) => setQuery(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('admin.users.role')}
            <select
              value={role}
              data-testid="user-filter-role"
              onChange={(e) => setRole(e.currentTarget.value as '' | Role)}
            >
              <option value="">{t('filter.all')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </label>
        </form>
        <Async state={users}>
          {() => (
            <>
              <p class="muted" aria-live="polite" data-testid="user-count">
                {t('admin.users.count', { count: shown.length })}
              </p>
              <div class="table-scroll">
                <table class="data-table data-table--cards" data-testid="user-table">
                  <thead>
                    <tr>
                      <th scope="col">{t('admin.users.name')}</th>
                      <th scope="col">{t('admin.users.email')}</th>
                      <th scope="col">{t('admin.users.role')}</th>
                      <th scope="col">{t('admin.users.language')}</th>
                      <th scope="col">{t('admin.users.state')}</th>
                      <th scope="col">{t('admin.users.actions')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {paged.items.map((user) => (
                      <tr
                        key={user.id}
                        data-testid={`user-row-${user.email}`}
                        data-disabled={user.disabled ? 'true' : 'false'}
                      >
                        <td data-label={t('admin.users.name')}>{user.name ?? '–'}</td>
                        <td data-label={t('admin.users.email')}>{user.email}</td>
                        <td data-label={t('admin.users.role')}>{t(`role.${user.role}`)}</td>
                        <td data-label={t('admin.users.language')}>
                          {user.language
                            ? t(`app.languageName.${user.language}`)
                            : t('admin.users.browserLanguage')}
                        </td>
                        <td data-label={t('admin.users.state')}>
                          <span class={`badge ${user.disabled ? 'badge--critical' : 'badge--ok'}`}>
                            {user.disabled ? t('admin.users.disabled') : t('admin.users.active')}
                          </span>
                        </td>
                        <td data-label={t('admin.users.actions')}>
                          <div class="toolbar">
                            {user.id === me.id ? (
                              <span class="muted small">{t('admin.users.itsYou')}</span>
                            ) : (
                              <button
                                type="button"
                                class={`button button--small ${user.disabled ? '' : 'button--ghost'}`}
                                disabled={busyId === user.id}
                                data-testid={user.disabled ? 'user-enable' : 'user-disable'}
                                aria-label={t(
                                  user.disabled ? 'admin.users.enableWho' : 'admin.users.disableWho',
                                  { name: display(user) },
                                )}
                                onClick={() => void setDisabled(user, !user.disabled)}
                              >
                                {user.disabled ? t('admin.users.enable') : t('admin.users.disable')}
                              </button>
                            )}
                            <button
                              type="button"
                              class="button button--ghost button--small"
                              disabled={busyId === user.id}
                              data-testid="user-reset"
                              aria-label={t('admin.users.resetWho', { name: display(user) })}
                              onClick={() => void resetPassword(user)}
                            >
                              {t('admin.users.reset')}
                            </button>
                          </div>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <Pager paged={paged} testId="user-pager" />
            </>
          )}
        </Async>
      </section>
    </>
  );
}
