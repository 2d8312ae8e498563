// Long lists are shown a page at a time; the pager says where the reader is.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/i18n';

export interface Paged<T> {
  items: T[];
  page: number;
  pageCount: number;
  total: number;
  setPage: (page: number) => void;
  pageSize: number;
}

/** Slices `all` into pages of `pageSize`; stays on a valid page as the list grows or shrinks live. */
export function usePaged<T>(all: readonly T[], pageSize = 25): Paged<T> {
  const [page, setPage] = useState(0);
  const pageCount = Math.max(1, Math.ceil(all.length / pageSize));
  const current = Math.min(page, pageCount - 1);
  useEffect(() => {
    if (page !== current) setPage(current);
  }, [page, current]);
  return {
    items: all.slice(current * pageSize, (current + 1) * pageSize),
    page: current,
    pageCount,
    total: all.length,
    setPage,
    pageSize,
  };
}

export function Pager<T>({ paged, testId }: { paged: Paged<T>; testId?: string }) {
  if (paged.total <= paged.pageSize) return null;
  const from = paged.page * paged.pageSize + 1;
  const to = Math.min(paged.total, from + paged.pageSize - 1);
  return (
    <nav class="pager" aria-label={t('pager.label')} data-testid={testId}>
      <button
        type="button"
        class="button button--ghost"
        disabled={paged.page === 0}
        onClick={() => paged.setPage(paged.page - 1)}
      >
        {t('pager.previous')}
      </button>
      <span aria-live="polite">{t('pager.status', { from, to, total: paged.total })}</span>
      <button
        type="button"
        class="button button--ghost"
        disabled={paged.page >= paged.pageCount - 1}
        onClick={() => paged.setPage(paged.page + 1)}
      >
        {t('pager.next')}
      </button>
    </nav>
  );
}
