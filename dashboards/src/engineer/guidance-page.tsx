// Remote-guidance articles by appliance type and fault mode: the list, one article with its checks,
// steps, safety notes, expected readings and parts, its next version written in place, and the
// history of its versions with who wrote each and when.
import { useMemo, useState } from 'preact/hooks';
import type { ApplianceProfileView, GuidanceArticle, UserView } from '../../../contracts/src';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { profileFor, useProfiles } from '../components/profiles';
import { Async, Empty, Facts, PageTitle } from '../components/ui';
import { formatDate, formatDateTime, formatRange } from '../i18n/format';
import { t, useI18n } from '../i18n/i18n';
import { faultModeLabel, metricLabel, partLabel, typeLabel } from '../i18n/labels';
import { GuidanceForm, withMetricNames } from './desk-guidance-form';

export function GuidancePage({ params }: { params: Record<string, string> }) {
  useI18n();
  return params.type && params.faultMode ? (
    <GuidanceArticleView type={params.type} faultMode={params.faultMode} />
  ) : (
    <GuidanceList />
  );
}

function GuidanceList() {
  const { api } = useApp();
  const profiles = useProfiles();
  const articles = useLoad(() => api.get<GuidanceArticle[]>('/api/guidance'), []);
  const [type, setType] = useState('');
  const [faultMode, setFaultMode] = useState('');

  const faultModes = useMemo(() => {
    const modes = (profiles.data ?? [])
      .filter((p) => !type || p.type === type)
      .flatMap((p) => p.faultModes.map((f) => f.mode));
    return [...new Set(modes)].sort((a, b) => faultModeLabel(a).localeCompare(faultModeLabel(b)));
  }, [profiles.data, type]);
  const shown = useMemo(
    () =>
      (articles.data ?? [])
        .filter((a) => (!type || a.type === type) && (!faultMode || a.faultMode === faultMode))
        .sort(
          (a, b) =>
            typeLabel(a.type).localeCompare(typeLabel(b.type)) ||
            faultModeLabel(a.faultMode).localeCompare(faultModeLabel(b.faultMode)),
        ),
    [articles.data, type, faultMode],
  );
  const paged = usePaged(shown, 25);

  return (
    <>
      <PageTitle>{t('desk.guidance.title')}</PageTitle>
      <section class="card">
        <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <label>
            {t('desk.guidance.type')}
            <select
              value={type}
              data-testid="guidance-filter-type"
              onChange={(e) => {
                setType(e.currentTarget.value);
                setFaultMode('');
              }}
            >
              <option value="">{t('filter.all')}</option>
              {(profiles.data ?? []).map((p) => (
                <option key={p.type} value={p.type}>
                  {typeLabel(p.type)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('desk.guidance.faultMode')}
            <select
              value={faultMode}
              data-testid="guidance-filter-fault"
              onChange={(e) => setFaultMode(e.currentTarget.value)}
            >
              <option value="">{t('filter.all')}</option>
              {faultModes.map((mode) => (
                <option key={mode} value={mode}>
                  {faultModeLabel(mode)}
                </option>
              ))}
            </select>
          </label>
        </form>
        <Async state={articles}>
          {() =>
            shown.length === 0 ? (
              <Empty>{t('desk.guidance.noMatch')}</Empty>
            ) : (
              <>
                <p class="muted" aria-live="polite">
                  {t('desk.guidance.count', { count: shown.length })}
                </p>
                <div class="table-scroll">
                  <table class="data-table data-table--cards" data-testid="guidance-list">
                    <thead>
                      <tr>
                        <th scope="col">{t('desk.guidance.faultMode')}</th>
                        <th scope="col">{t('desk.guidance.type')}</th>
                        <th scope="col">{t('desk.guidance.titleField')}</th>
                        <th scope="col" class="num">
                          {t('desk.guidance.version')}
                        </th>
                        <th scope="col">{t('desk.guidance.changed')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {paged.items.map((a) => (
                        <tr key={a.id} data-testid={`guidance-row-${a.type}-${a.faultMode}`}>
                          <td data-label={t('desk.guidance.faultMode')}>
                            <a href={href('guidance', a.type, a.faultMode)}>{faultModeLabel(a.faultMode)}</a>
                          </td>
                          <td data-label={t('desk.guidance.type')}>{typeLabel(a.type)}</td>
                          <td data-label={t('desk.guidance.titleField')}>
                            {withMetricNames(a.title, profileFor(profiles.data, a.type))}
                          </td>
                          <td data-label={t('desk.guidance.version')} class="num">
                            {a.version}
                          </td>
                          <td data-label={t('desk.guidance.changed')} class="nowrap">
                            {formatDate(a.createdAt)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager paged={paged} />
              </>
            )
          }
        </Async>
      </section>
    </>
  );
}

function GuidanceArticleView({ type, faultMode }: { type: string; faultMode: string }) {
  const { api, me } = useApp();
  const profiles = useProfiles();
  const current = useLoad(
    () => api.get<GuidanceArticle[]>('/api/guidance', { type, faultMode }).then((list) => list[0] ?? null),
    [type, faultMode],
  );
  const history = useLoad(
    () => api.get<GuidanceArticle[]>('/api/guidance/history', { type, faultMode }),
    [type, faultMode],
  );
  // only an admin may read the user list; others see their own name and "a colleague"
  const users = useLoad(
    () =>
      me.role === 'admin'
        ? api.get<UserView[]>('/api/users', { limit: 1000 })
        : Promise.resolve([] as UserView[]),
    [me.role],
  );
  const [editing, setEditing] = useState(false);
  const [savedVersion, setSavedVersion] = useState<number | null>(null);
  const profile = profileFor(profiles.data, type as ApplianceProfileView['type']);

  const author = (createdBy: string): string => {
    if (createdBy === 'system') return t('desk.guidance.bySystem');
    if (createdBy === me.id) return t('desk.guidance.byYou', { name: me.name ?? me.email });
    const user = users.data?.find((u) => u.id === createdBy);
    return user ? (user.name ?? user.email) : t('desk.guidance.byColleague');
  };

  const heading = t('desk.guidance.articleTitle', {
    faultMode: faultModeLabel(faultMode),
    type: typeLabel(type),
  });
  return (
    <>
      <p class="breadcrumb">
        <a href="#/guidance">{t('desk.guidance.back')}</a>
      </p>
      <PageTitle
        actions={
          current.data && !editing ? (
            <button
              type="button"
              class="button"
              data-testid="guidance-edit"
              onClick={() => {
                setSavedVersion(null);
                setEditing(true);
              }}
            >
              {t('desk.guidance.edit')}
            </button>
          ) : null
        }
      >
        {heading}
      </PageTitle>
      {savedVersion !== null ? (
        <p class="success-note" role="status" data-testid="guidance-saved">
          {t('desk.guidance.saved', { version: savedVersion })}
        </p>
      ) : null}
      <Async state={current}>
        {(article) =>
          !article ? (
            <Empty>{t('desk.guidance.missing')}</Empty>
          ) : editing ? (
            <GuidanceForm
              article={article}
              profile={profile}
              onCancel={() => setEditing(false)}
              onSaved={(saved) => {
                current.update(() => saved);
                history.reload();
                setEditing(false);
                setSavedVersion(saved.version);
              }}
            />
          ) : (
            <ArticleBody article={article} profile={profile} author={author(article.createdBy)} />
          )
        }
      </Async>
      <section class="card" aria-labelledby="guidance-history-title">
        <h2 id="guidance-history-title">{t('desk.guidance.history')}</h2>
        <Async state={history}>
          {(versions) =>
            versions.length === 0 ? (
              <Empty>{t('desk.guidance.noHistory')}</Empty>
            ) : (
              <ol class="timeline" data-testid="guidance-history">
                {versions.map((v, index) => (
                  <li key={v.id} data-testid={`guidance-version-${v.version}`}>
                    <strong>{t('desk.guidance.versionN', { version: v.version })}</strong>
                    {index === 0 ? (
                      <span class="badge badge--ok desk-current">{t('desk.guidance.current')}</span>
                    ) : null}
                    <div>{withMetricNames(v.title, profile)}</div>
                    <div class="item__meta">
                      {t('desk.guidance.writtenBy', {
                        author: author(v.createdBy),
                        date: formatDateTime(v.createdAt),
                      })}
                    </div>
                  </li>
                ))}
              </ol>
            )
          }
        </Async>
      </section>
    </>
  );
}

function ArticleBody({
  article,
  profile,
  author,
}: {
  article: GuidanceArticle;
  profile: ApplianceProfileView | undefined;
  author: string;
}) {
  const text = (line: string): string => withMetricNames(line, profile);
  return (
    <section class="card stack" aria-labelledby="guidance-article-title" data-testid="guidance-article">
      <h2 id="guidance-article-title">{text(article.title)}</h2>
      <Facts
        items={[
          [t('desk.guidance.type'), typeLabel(article.type)],
          [t('desk.guidance.faultMode'), faultModeLabel(article.faultMode)],
          [t('desk.guidance.version'), <span data-testid="guidance-version">{article.version}</span>],
          [
            t('desk.guidance.changed'),
            t('desk.guidance.writtenBy', { author, date: formatDateTime(article.createdAt) }),
          ],
        ]}
      />
      <div class="columns">
        <div>
          <h3>{t('desk.guidance.checks')}</h3>
          {article.checks.length ? (
            <ol>
              {article.checks.map((line, i) => (
                <li key={i}>{text(line)}</li>
              ))}
            </ol>
          ) : (
            <p class="muted">{t('none')}</p>
          )}
        </div>
        <div>
          <h3>{t('desk.guidance.steps')}</h3>
          <ol>
            {article.steps.map((line, i) => (
              <li key={i}>{text(line)}</li>
            ))}
          </ol>
        </div>
      </div>
      {article.safetyNotes.length ? (
        <div class="desk-safety" role="note" aria-labelledby="guidance-safety-title">
          <h3 id="guidance-safety-title">{t('desk.guidance.safety')}</h3>
          <ul>
            {article.safetyNotes.map((line, i) => (
              <li key={i}>{text(line)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div class="columns">
        <div>
          <h3>{t('desk.guidance.readings')}</h3>
          {article.expectedReadings.length ? (
            <table class="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('desk.guidance.metric')}</th>
                  <th scope="col">{t('desk.guidance.expected')}</th>
                </tr>
              </thead>
              <tbody>
                {article.expectedReadings.map((r, i) => (
                  <tr key={i}>
                    <td>{metricLabel(r.metric)}</td>
                    <td>
                      {formatRange(
                        { low: r.low, high: r.high },
                        r.unit ?? profile?.metrics.find((m) => m.name === r.metric)?.unit,
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <p class="muted">{t('none')}</p>
          )}
        </div>
        <div>
          <h3>{t('desk.guidance.parts')}</h3>
          {article.parts.length ? (
            <ul>
              {article.parts.map((part) => (
                <li key={part}>{partLabel(part)}</li>
              ))}
            </ul>
          ) : (
            <p class="muted">{t('none')}</p>
          )}
        </div>
      </div>
    </section>
  );
}
