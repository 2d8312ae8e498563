import { Injectable } from '@nestjs/common';
import { IntakePort, type IntakeSubmission } from './care-ports';
import { ServiceRequestsService } from './service-requests.service';

/** What inbound e-mail (and any other feature) hands the service requests queue. */
@Injectable()
export class ServiceRequestIntake extends IntakePort {
  constructor(private readonly requests: ServiceRequestsService) {
    super();
  }

  submit(submission: IntakeSubmission): Promise<{ id: string; number: string }> {
    return this.requests.intake(submission);
  }

  appendMessage(
    number: string,
    message: {
      from: 'customer';
      channel: 'email';
      text: string;
      attachments: IntakeSubmission['attachments'];
    },
  ): Promise<{ id: string } | null> {
    return this.requests.appendCustomerMessage(number, message);
  }
}
