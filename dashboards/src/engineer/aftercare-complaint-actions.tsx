// What the desk may do with a complaint at its step: correct the classification, take the
// investigation, record the findings, propose a solution (with a compensation), record the customer's
// answer from a call, decide after a disagreement, record what was carried out, close. The server
// judges each step; its answer (or refusal) is shown in words.
import { useState } from 'preact/hooks';
import type {
  Compensation,
  CompensationOffer,
  CompensationType,
  Complaint,
  ComplaintAction,
  ComplaintAnswer,
  ComplaintCategory,
  ComplaintUrgency,
} from '../../../contracts/src';
import { path } from '../api/api-client';
import { useApp } from '../app/app-context';
import { t, useI18n } from '../i18n/i18n';
import {
  COMPENSATION_TYPES,
  COMPLAINT_ANSWERS,
  COMPLAINT_CATEGORIES,
  COMPLAINT_URGENCIES,
  answerLabel,
  categoryLabel,
  compensationTypeLabel,
  complaintStatusLabel,
  complaintUrgencyLabel,
  describeAftercareError,
} from './aftercare-words';

/** The fields of the offer sub-form, in the currency's major units as people type them. */
interface OfferFields {
  on: boolean;
  type: CompensationType;
  amount: string;
  note: string;
}
const NO_OFFER: OfferFields = { on: false, type: 'coupon', amount: '', note: '' };

function offerOf(fields: OfferFields): CompensationOffer | undefined {
  if (!fields.on) return undefined;
  const amount = Number(fields.amount.replace(',', '.'));
  return {
    type: fields.type,
    amountMinor: Number.isFinite(amount) ? Math.round(amount * 100) : -1,
    currency: 'CNY',
    ...(fields.note.trim() ? { note: fields.note.trim() } : {}),
  };
}

function OfferForm({
  fields,
  onChange,
  prefix,
}: {
  fields: OfferFields;
  onChange: (fields: OfferFields) => void;
  prefix: string;
}) {
  return (
    <fieldset class="desk-fieldset" data-testid={`${prefix}-compensation`}>
      <legend>
        <label class="inline">
          <input
            type="checkbox"
            checked={fields.on}
            data-testid={`${prefix}-compensation-on`}
            onChange={(e) => onChange({ ...fields, on: e.currentTarget.checked })}
          />
          {t('aftercareDesk.actions.withCompensation')}
        </label>
      </legend>
      {fields.on ? (
        <div class="form-grid">
          <label>
            {t('aftercareDesk.actions.compensationType')}
            <select
              value={fields.type}
              data-testid={`${prefix}-compensation-type`}
              onChange={(e) => onChange({ ...fields, type: e.currentTarget.value as CompensationType })}
            >
              {COMPENSATION_TYPES.map((type) => (
                <option key={type} value={type}>
                  {compensationTypeLabel(type)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('aftercareDesk.actions.amount', { currency: 'CNY' })}
            <input
              type="number"
              min="0"
              step="0.01"
              inputMode="decimal"
              required
              value={fields.amount}
              data-testid={`${prefix}-compensation-amount`}
              onInput={(e) => onChange({ ...fields, amount: e.currentTarget.value })}
            />
          </label>
          <label>
            {t('aftercareDesk.actions.note')}
            <input
              type="text"
              maxLength={1000}
              value={fields.note}
              data-testid={`${prefix}-compensation-note`}
              onInput={(e) => onChange({ ...fields, note: e.currentTarget.value })}
            />
          </label>
        </div>
      ) : null}
    </fieldset>
  );
}

export function ComplaintActions({
  complaint,
  compensation,
  onChanged,
}: {
  complaint: Complaint;
  compensation: Compensation | undefined;
  onChanged: (complaint: Complaint) => void;
}) {
  useI18n();
  const { api, me } = useApp();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [classifyOpen, setClassifyOpen] = useState(false);
  const [category, setCategory] = useState<ComplaintCategory>(complaint.category);
  const [urgency, setUrgency] = useState<ComplaintUrgency>(complaint.urgency);
  const [findings, setFindings] = useState('');
  const [cause, setCause] = useState('');
  const [solution, setSolution] = useState('');
  const [offer, setOffer] = useState<OfferFields>(NO_OFFER);
  const [answer, setAnswer] = useState<ComplaintAnswer>('agree');
  const [comment, setComment] = useState('');
  const [decision, setDecision] = useState('');
  const [departments, setDepartments] = useState('');
  const [reviewOffer, setReviewOffer] = useState<OfferFields>(NO_OFFER);
  const [note, setNote] = useState('');

  const fields: Record<string, string> = {
    category: t('aftercareDesk.complaint.category'),
    urgency: t('aftercareDesk.complaint.urgency'),
    findings: t('aftercareDesk.actions.findings'),
    cause: t('aftercareDesk.actions.cause'),
    solution: t('aftercareDesk.actions.solution'),
    compensation: t('aftercareDesk.compensation.title'),
    'compensation.amountMinor': t('aftercareDesk.actions.amount', { currency: 'CNY' }),
    decision: t('aftercareDesk.actions.decision'),
    departments: t('aftercareDesk.actions.departments'),
    note: t('aftercareDesk.actions.note'),
    comment: t('aftercareDesk.actions.comment'),
  };

  const perform = async (action: ComplaintAction, body: object, message?: string): Promise<void> => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const answer = await api.post<Complaint>(path`/api/complaints/${complaint.id}/${action}`, body);
      setDone(message ?? t('aftercareDesk.actions.done', { status: complaintStatusLabel(answer.status) }));
      setFindings('');
      setCause('');
      setSolution('');
      setOffer(NO_OFFER);
      setComment('');
      setDecision('');
      setDepartments('');
      setReviewOffer(NO_OFFER);
      setNote('');
      setClassifyOpen(false);
      onChanged(answer);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const submit =
    (action: ComplaintAction, body: () => object) =>
    (event: Event): void => {
      event.preventDefault();
      void perform(action, body());
    };

  const step = complaint.step;
  const status = complaint.status;
  const executed = complaint.audit.some((entry) => entry.action === 'executed');
  const compensationWaits = compensation?.status === 'pending_approval';

  return (
    <section class="card" aria-label={t('aftercareDesk.actions.title')} data-testid="complaint-actions">
      <h2>{t('aftercareDesk.actions.title')}</h2>
      <div aria-live="polite">
        {done ? (
          <p class="success-note" data-testid="complaint-action-done">
            {done}
          </p>
        ) : null}
        {error ? (
          <p class="error-note" role="alert" data-testid="complaint-action-error">
            {describeAftercareError(error, fields)}
          </p>
        ) : null}
      </div>
      {status === 'closed' ? <p class="muted">{t('aftercareDesk.actions.nothing')}</p> : null}

      {step >= 3 && step <= 7 && complaint.investigatorId !== me.id ? (
        <div class="toolbar">
          <button
            type="button"
            class="button"
            disabled={busy}
            data-testid="complaint-assign"
            onClick={() => void perform('assign', {})}
          >
            {t('aftercareDesk.actions.assign')}
          </button>
        </div>
      ) : null}

      {step === 4 ? (
        <form
          class="ticket-action-form"
          data-testid="investigate-form"
          onSubmit={submit('investigate', () => ({ findings, cause }))}
        >
          <h3>{t('aftercareDesk.actions.investigate')}</h3>
          <label>
            {t('aftercareDesk.actions.findings')}
            <textarea
              rows={4}
              required
              maxLength={4000}
              value={findings}
              data-testid="investigate-findings"
              onInput={(e) => setFindings(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('aftercareDesk.actions.cause')}
            <input
              type="text"
              required
              maxLength={100}
              value={cause}
              data-testid="investigate-cause"
              onInput={(e) => setCause(e.currentTarget.value)}
            />
          </label>
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="investigate-submit">
              {t('aftercareDesk.actions.investigateSave')}
            </button>
          </div>
        </form>
      ) : null}

      {step === 5 ? (
        <form
          class="ticket-action-form"
          data-testid="propose-form"
          onSubmit={submit('propose', () => {
            const compensation = offerOf(offer);
            return { solution, ...(compensation ? { compensation } : {}) };
          })}
        >
          <h3>{t('aftercareDesk.actions.propose')}</h3>
          <label>
            {t('aftercareDesk.actions.solution')}
            <textarea
              rows={4}
              required
              maxLength={4000}
              value={solution}
              data-testid="propose-solution"
              onInput={(e) => setSolution(e.currentTarget.value)}
            />
          </label>
          <OfferForm fields={offer} onChange={setOffer} prefix="propose" />
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="propose-submit">
              {t('aftercareDesk.actions.proposeSave')}
            </button>
          </div>
        </form>
      ) : null}

      {status === 'solution_proposed' ? (
        <form
          class="ticket-action-form"
          data-testid="answer-form"
          onSubmit={submit('answer', () => ({
            answer,
            ...(comment.trim() ? { comment: comment.trim() } : {}),
          }))}
        >
          <h3>{t('aftercareDesk.actions.answer')}</h3>
          <p class="muted small">
            {t('aftercareDesk.actions.waitingCustomer')} {t('aftercareDesk.actions.answerHint')}
          </p>
          <fieldset class="desk-fieldset">
            <legend>{t('aftercareDesk.actions.answerChoice')}</legend>
            {COMPLAINT_ANSWERS.map((choice) => (
              <label key={choice} class="inline">
                <input
                  type="radio"
                  name="complaint-answer"
                  value={choice}
                  checked={answer === choice}
                  data-testid={`answer-${choice}`}
                  onChange={() => setAnswer(choice)}
                />
                {answerLabel(choice)}
              </label>
            ))}
          </fieldset>
          <label>
            {t('aftercareDesk.actions.comment')}
            <textarea
              rows={2}
              maxLength={4000}
              value={comment}
              data-testid="answer-comment"
              onInput={(e) => setComment(e.currentTarget.value)}
            />
          </label>
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="answer-submit">
              {t('aftercareDesk.actions.answerSave')}
            </button>
          </div>
        </form>
      ) : null}

      {status === 'escalated' ? (
        <form
          class="ticket-action-form"
          data-testid="review-form"
          onSubmit={submit('review', () => {
            const compensation = offerOf(reviewOffer);
            return {
              decision,
              departments: departments
                .split(/[,，、]/)
                .map((d) => d.trim())
                .filter(Boolean),
              ...(compensation ? { compensation } : {}),
            };
          })}
        >
          <h3>{t('aftercareDesk.actions.review')}</h3>
          <p class="muted small">{t('aftercareDesk.actions.reviewHint')}</p>
          <label>
            {t('aftercareDesk.actions.decision')}
            <textarea
              rows={3}
              required
              maxLength={4000}
              value={decision}
              data-testid="review-decision"
              onInput={(e) => setDecision(e.currentTarget.value)}
            />
          </label>
          <label>
            {t('aftercareDesk.actions.departments')}
            <input
              type="text"
              value={departments}
              data-testid="review-departments"
              onInput={(e) => setDepartments(e.currentTarget.value)}
            />
          </label>
          <OfferForm fields={reviewOffer} onChange={setReviewOffer} prefix="review" />
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="review-submit">
              {t('aftercareDesk.actions.reviewSave')}
            </button>
          </div>
        </form>
      ) : null}

      {status === 'executing' && !executed ? (
        <form
          class="ticket-action-form"
          data-testid="execute-form"
          onSubmit={submit('execute', () => ({ note }))}
        >
          <h3>{t('aftercareDesk.actions.execute')}</h3>
          {compensationWaits ? (
            <p class="muted" data-testid="execute-waits">
              {t('aftercareDesk.actions.waitingApproval')}
            </p>
          ) : null}
          <label>
            {t('aftercareDesk.actions.executeNote')}
            <textarea
              rows={2}
              required
              maxLength={2000}
              value={note}
              data-testid="execute-note"
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </label>
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="execute-submit">
              {t('aftercareDesk.actions.executeSave')}
            </button>
          </div>
        </form>
      ) : null}

      {status === 'executing' && executed ? (
        <form
          class="ticket-action-form"
          data-testid="close-form"
          onSubmit={submit('close', () => (note.trim() ? { note: note.trim() } : {}))}
        >
          <h3>{t('aftercareDesk.actions.close')}</h3>
          <label>
            {t('aftercareDesk.actions.closeNote')}
            <textarea
              rows={2}
              maxLength={2000}
              value={note}
              data-testid="close-note"
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </label>
          <div class="form-actions">
            <button type="submit" class="button" disabled={busy} data-testid="close-submit">
              {t('aftercareDesk.actions.closeSave')}
            </button>
          </div>
        </form>
      ) : null}

      {step <= 6 ? (
        classifyOpen ? (
          <form
            class="ticket-action-form"
            data-testid="classify-form"
            onSubmit={submit('classify', () => ({ category, urgency }))}
          >
            <h3>{t('aftercareDesk.actions.classify')}</h3>
            <div class="form-grid">
              <label>
                {t('aftercareDesk.complaint.category')}
                <select
                  value={category}
                  data-testid="classify-category"
                  onChange={(e) => setCategory(e.currentTarget.value as ComplaintCategory)}
                >
                  {COMPLAINT_CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {categoryLabel(c)}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t('aftercareDesk.complaint.urgency')}
                <select
                  value={urgency}
                  data-testid="classify-urgency"
                  onChange={(e) => setUrgency(e.currentTarget.value as ComplaintUrgency)}
                >
                  {COMPLAINT_URGENCIES.map((u) => (
                    <option key={u} value={u}>
                      {complaintUrgencyLabel(u)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div class="form-actions">
              <button type="submit" class="button" disabled={busy} data-testid="classify-submit">
                {t('aftercareDesk.actions.classifySave')}
              </button>
              <button type="button" class="button button--ghost" onClick={() => setClassifyOpen(false)}>
                {t('cancel')}
              </button>
            </div>
          </form>
        ) : (
          <div class="toolbar">
            <button
              type="button"
              class="button button--ghost"
              data-testid="classify-open"
              onClick={() => {
                setCategory(complaint.category);
                setUrgency(complaint.urgency);
                setClassifyOpen(true);
              }}
            >
              {t('aftercareDesk.actions.classify')}
            </button>
          </div>
        )
      ) : null}

      {!complaint.useful ? (
        <div class="toolbar">
          <button
            type="button"
            class="button button--ghost"
            disabled={busy}
            data-testid="complaint-useful"
            onClick={() => void perform('useful', {}, t('aftercareDesk.actions.usefulDone'))}
          >
            {t('aftercareDesk.actions.useful')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
