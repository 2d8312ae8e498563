// Self-help: a search over the customer help articles (in the reader's language) and an article with
// its steps; from there, asking for help is one tap away.
import { useState } from 'preact/hooks';
import type { HelpArticle } from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { href } from '../app/router';
import { useLoad } from '../components/hooks';
import { Pager, usePaged } from '../components/pager';
import { Async, Empty, PageTitle, Section } from '../components/ui';
import { t, useI18n } from '../i18n/i18n';
import { typeLabel } from '../i18n/labels';
import { itemsOf } from './care-http';
import { readingText } from './care-words';

/** Which appliances an article is for: one type, or all of them. */
function articleFor(type: string): string {
  return type === 'general' || type === 'any' ? t('care.help.general') : typeLabel(type);
}

export function HelpPage() {
  const locale = useI18n();
  const { api } = useApp();
  const [query, setQuery] = useState('');
  const [asked, setAsked] = useState('');
  const articles = useLoad(
    () =>
      api
        .get<HelpArticle[] | { items: HelpArticle[] }>('/api/help-articles', { q: asked || undefined })
        .then(itemsOf),
    [asked],
  );
  const paged = usePaged(articles.data ?? [], 10);
  return (
    <div class="customer-page">
      <PageTitle>{t('care.help.title')}</PageTitle>
      <p class="muted">{t('care.help.intro')}</p>
      <form
        class="care-search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setAsked(query.trim());
        }}
      >
        <label for="care-help-q" class="visually-hidden">
          {t('care.help.search')}
        </label>
        <input
          id="care-help-q"
          type="search"
          data-testid="help-search"
          placeholder={t('care.help.placeholder')}
          value={query}
          maxLength={100}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
        <button type="submit" class="button" data-testid="help-search-submit">
          {t('care.help.searchButton')}
        </button>
      </form>
      <Async state={articles}>
        {(list) => (
          <section
            class="card"
            aria-label={t('care.help.title')}
            data-testid="help-results"
            data-count={list.length}
          >
            {list.length === 0 ? (
              <Empty>{t('care.help.none')}</Empty>
            ) : (
              <>
                <ul class="list" aria-live="polite">
                  {paged.items.map((article) => (
                    <li key={article.id} class="item" data-testid={`help-article-${article.id}`}>
                      <a href={href('help', 'articles', article.id)} class="care-article-link">
                        {article.title[locale]}
                      </a>
                      <p class="muted small">{t('care.help.forType', { type: articleFor(article.type) })}</p>
                      <p>{article.summary[locale]}</p>
                    </li>
                  ))}
                </ul>
                <Pager paged={paged} />
              </>
            )}
          </section>
        )}
      </Async>
      <p>
        <a href="#/help/new" class="button button--ghost">
          {t('care.help.ask')}
        </a>
      </p>
    </div>
  );
}

export function HelpArticlePage({ params }: { params: Record<string, string> }) {
  const locale = useI18n();
  const { api } = useApp();
  const id = params.id ?? '';
  const article = useLoad(() => api.get<HelpArticle>(path`/api/help-articles/${id}`), [id]);
  return (
    <div class="customer-page">
      <p class="breadcrumb">
        <a href="#/help">{t('care.help.back')}</a>
      </p>
      <Async state={article}>
        {(loaded) => (
          <>
            <PageTitle>{loaded.title[locale]}</PageTitle>
            <p class="muted small">{t('care.help.forType', { type: articleFor(loaded.type) })}</p>
            <p>{loaded.summary[locale]}</p>
            {loaded.readings && loaded.readings.length > 0 ? (
              <ul class="care-plain-list">
                {loaded.readings.map((reading) => (
                  <li key={reading.metric}>{readingText(reading)}</li>
                ))}
              </ul>
            ) : null}
            <Section title={t('care.help.steps')} testId="help-steps">
              <ol class="care-steps">
                {loaded.steps.map((step, index) => (
                  <li key={index}>{step[locale]}</li>
                ))}
              </ol>
            </Section>
            <p>
              <a href="#/help/new" class="button">
                {t('care.help.ask')}
              </a>
            </p>
          </>
        )}
      </Async>
    </div>
  );
}
