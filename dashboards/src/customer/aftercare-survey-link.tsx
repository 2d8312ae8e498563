// The e-mail's survey link (`#/survey/<id>?token=...`) before sign-in: main.tsx asks `useSurveyLink()`
// and, signed out, renders `SurveyLinkPage` instead of the sign-in form. This file stays tiny (it is in
// the first bundle); the page and its words load as their own chunk.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Loading } from '../components/ui';

export interface SurveyLinkTarget {
  id: string;
  token: string;
}

function currentSurveyLink(): SurveyLinkTarget | null {
  const [pathPart, query] = window.location.hash.replace(/^#/, '').split('?');
  const match = /^\/?survey\/([^/]+)$/.exec(pathPart ?? '');
  const token = query ? new URLSearchParams(query).get('token') : null;
  if (!match || !token) return null;
  try {
    return { id: decodeURIComponent(match[1]), token };
  } catch {
    return null;
  }
}

/** The survey link the address bar holds now, if any; follows hash changes. */
export function useSurveyLink(): SurveyLinkTarget | null {
  const [link, setLink] = useState(currentSurveyLink);
  useEffect(() => {
    const onChange = (): void => {
      const next = currentSurveyLink();
      setLink((shown) => (JSON.stringify(shown) === JSON.stringify(next) ? shown : next));
    };
    window.addEventListener('hashchange', onChange);
    // effects run after the first paint: an address changed since the first render is read now
    onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return link;
}

type PublicPage = ComponentType<{ link: SurveyLinkTarget }>;

/** Loads the signed-out survey page (and its words), then shows it. */
export function SurveyLinkPage({ link }: { link: SurveyLinkTarget }) {
  const [Page, setPage] = useState<PublicPage | null>(null);
  useEffect(() => {
    void import('./aftercare-survey-public').then((loaded) => setPage(() => loaded.PublicSurveyPage));
  }, []);
  return Page ? <Page link={link} /> : <Loading />;
}
