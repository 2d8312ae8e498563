import type { Triage, VisitWindow } from '../../../../contracts/src';

/** What self-triage and the visit need to know about a request. */
export interface TriageSubject {
  requestId: string;
  number: string;
  deviceId: string;
  customerId: string | null;
  symptom: string | null;
  description: string | null;
  preferredWindows: VisitWindow[];
}

/**
 * Self-triage (the self-triage module provides it): tests the connected appliance (self_test,
 * error log, the last day of telemetry, open alarms) and says whether a known cause has a
 * customer-doable fix (`self_fix` with `articleId`) or a visit is needed (`visit`), with findings.
 * `not_connected` when the appliance is offline or not connected; never throws for a device problem.
 */
export abstract class TriagePort {
  abstract triage(subject: TriageSubject): Promise<Triage>;
}

/**
 * Opens the visit (a customer-sourced ticket) for a request, carrying the triage findings so
 * that the technician arrives knowing; books the first available preferred window when given.
 * Returns the ticket id (an open ticket of the device is reused rather than a second opened).
 */
export abstract class VisitPort {
  abstract openVisit(subject: TriageSubject, triage: Triage | null, reason: string): Promise<string>;
}

/** An e-mail or partner submission, handed to the service requests module. */
export interface IntakeSubmission {
  channel: 'email' | 'partner';
  customerId: string | null;
  deviceId: string | null;
  symptom?: string;
  description: string;
  contact: { name?: string; email?: string; phone?: string };
  partnerId?: string | null;
  externalRef?: string;
  language?: 'en' | 'zh-CN';
  attachments: Array<{ name: string; contentType: string; content: Buffer }>;
}

/** The service requests module provides it (for inbound e-mail). */
export abstract class IntakePort {
  /** A new request; without a known customer or appliance it is flagged `needs_matching`. */
  abstract submit(submission: IntakeSubmission): Promise<{ id: string; number: string }>;
  /** A reply on an existing request (by its number, e.g. `SR-000042`); null when no such request. */
  abstract appendMessage(
    number: string,
    message: {
      from: 'customer';
      channel: 'email';
      text: string;
      attachments: IntakeSubmission['attachments'];
    },
  ): Promise<{ id: string } | null>;
}
