// A secret shown one time (a device secret, a temporary password): the value, a copy button and the
// warning that it will not be shown again.
import { useState } from 'preact/hooks';
import { t } from '../i18n/i18n';

export function OneTimeSecret({
  value,
  warning,
  testId,
}: {
  value: string;
  warning: string;
  testId: string;
}) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // no clipboard access (an insecure origin, a refused permission): the reader selects it
      setCopied('failed');
    }
  };
  return (
    <div class="desk-secret" data-testid={testId}>
      <p class="desk-secret__warning" role="alert">
        {warning}
      </p>
      <div class="desk-secret__value">
        <code class="secret" data-testid={`${testId}-value`}>
          {value}
        </code>
        <button
          type="button"
          class="button button--small"
          data-testid={`${testId}-copy`}
          onClick={() => void copy()}
        >
          {t('copy')}
        </button>
      </div>
      <p class="small" aria-live="polite">
        {copied === 'yes' ? t('copied') : copied === 'failed' ? t('desk.secret.copyFailed') : ''}
      </p>
    </div>
  );
}
