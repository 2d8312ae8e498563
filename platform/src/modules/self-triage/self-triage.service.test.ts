/**
 * Medium test of the help articles and the customer visit, calling the services. Real: the
 * platform's Nest modules composed as in production on an in-memory PGlite with the seeded demo
 * world and the migrations, the embedded telemetry store, ingest feeding the device twin; no
 * HTTP or broker. ManualClock on a Monday 13:00 UTC.
 */
import type { Triage } from '../../../../contracts/src';
import { healthyReading } from '../../../../tests/medium/service-support';
import { ADMIN, ServiceHarness } from '../../../../tests/support/service-harness';
import type { Principal } from '../auth/auth.service';
import { CustomersService } from '../customers/customers.service';
import type { Customer } from '../customers/customers.repository';
import type { TriageSubject } from '../service-requests/care-ports';
import { VisitPort } from '../service-requests/care-ports';
import { TicketState } from '../tickets/ticket-state.service';
import { TicketsRepository } from '../tickets/tickets.repository';
import { HelpArticlesService } from './help-articles.service';

const customerPrincipal = (customerId: string): Principal => ({
  userId: `user-${customerId}`,
  role: 'customer',
  customerId,
  technicianId: null,
});

describe('self-triage: help articles and the customer visit', () => {
  let h: ServiceHarness;
  let help: HelpArticlesService;
  let visits: VisitPort;
  let customer: Customer;
  let other: Customer;
  let requestSeq = 0;

  beforeAll(async () => {
    h = await ServiceHarness.start();
    help = h.get(HelpArticlesService);
    visits = h.get(VisitPort);
    [customer, other] = await h.get(CustomersService).list({ limit: 2, offset: 0 });
  });

  afterAll(async () => {
    await h?.close();
  });

  const ids = (articles: Array<{ id: string }>) => articles.map((a) => a.id);

  describe('help articles', () => {
    it('finds articles by English words in any case, in title, summary or steps', async () => {
      expect(ids(await help.search(ADMIN, { q: 'AIR Filter' }))).toEqual(['ac-clean-air-filter']);
      // a word only in the steps
      expect(ids(await help.search(ADMIN, { q: 'toothpick' }))).toEqual(['dishwasher-clean-spray-arms']);
      expect(ids(await help.search(ADMIN, { q: 'filt' }))).toContain('washer-clean-drain-pump-filter');
      expect(await help.search(ADMIN, { q: 'filter nonsenseword' })).toEqual([]);
    });

    it('finds articles by Chinese words', async () => {
      expect(ids(await help.search(ADMIN, { q: '滤网' }))).toEqual(
        expect.arrayContaining(['ac-clean-air-filter', 'dishwasher-clean-filter-drain']),
      );
      expect(ids(await help.search(ADMIN, { q: '排水泵过滤器' }))).toEqual([
        'washer-clean-drain-pump-filter',
      ]);
      const [article] = await help.search(ADMIN, { q: '起泡器' });
      expect(article.title['zh-CN']).toBe('热水出水小：清除水龙头起泡器水垢');
      expect(article.steps.length).toBeGreaterThan(2);
    });

    it("narrows by type, general articles included, and by the customer's appliance", async () => {
      const washer = await help.search(ADMIN, { type: 'washer' });
      expect(new Set(washer.map((a) => a.type))).toEqual(new Set(['washer', 'general']));
      expect(ids(washer)).toEqual(
        expect.arrayContaining(['washer-clean-drain-pump-filter', 'washer-level-noisy']),
      );
    });

    it("shows the appliance's own readings against normal, to whoever may see it", async () => {
      const device = await h.provision('air_conditioner', customer);
      h.publishReading(device.id, { ...healthyReading('air_conditioner'), filterDpPa: 110 });
      await h.settle();
      const article = await help.get('ac-clean-air-filter', customerPrincipal(customer.id), device.id);
      expect(article.readings).toEqual([
        { metric: 'filterDpPa', value: 110, normal: 55, ratio: 2, unit: 'Pa' },
      ]);
      const listed = await help.search(customerPrincipal(customer.id), { deviceId: device.id, q: 'filter' });
      // the appliance's type (and general articles) only; the one its readings concern first
      expect(ids(listed)[0]).toBe('ac-clean-air-filter');
      expect(ids(listed)).not.toContain('dishwasher-clean-filter-drain');
      expect(listed[0].readings?.[0].ratio).toBe(2);
      // without a device: the article alone
      expect((await help.get('ac-clean-air-filter', ADMIN)).readings).toBeUndefined();
      // another customer's appliance: not found, as if it did not exist
      await expect(
        help.get('ac-clean-air-filter', customerPrincipal(other.id), device.id),
      ).rejects.toMatchObject({
        code: 'device.not_found',
      });
    });

    it('answers not found for an unknown article', async () => {
      await expect(help.get('no-such-article', ADMIN)).rejects.toMatchObject({
        code: 'help_article.not_found',
      });
    });
  });

  describe('the customer visit', () => {
    const subject = (deviceId: string, overrides: Partial<TriageSubject> = {}): TriageSubject => {
      requestSeq++;
      return {
        requestId: `req-${requestSeq}`,
        number: `SR-${String(requestSeq).padStart(6, '0')}`,
        deviceId,
        customerId: customer.id,
        symptom: null,
        description: null,
        preferredWindows: [],
        ...overrides,
      };
    };

    const gasketTriage: Triage = {
      status: 'visit',
      startedAt: '2026-01-05T13:00:00.000Z',
      finishedAt: '2026-01-05T13:00:05.000Z',
      cause: 'door_gasket_failure',
      articleId: null,
      findings: [
        {
          kind: 'error_log',
          subject: 'R40',
          ok: false,
          value: 3,
          normal: null,
          ratio: null,
          unit: null,
          text: 'Error log: R40 (Door left open) 3x in the last 24 h',
        },
        {
          kind: 'reading',
          subject: 'compressorDutyPct',
          ok: false,
          value: 92,
          normal: 40,
          ratio: 2.3,
          unit: '%',
          text: 'compressor duty over the last 30 min: 92 %, 2.3x normal (40 %) over the last 6 h',
        },
      ],
    };

    it('opens a customer ticket carrying the request, its words and every finding', async () => {
      const device = await h.provision('refrigerator', customer);
      const request = subject(device.id, {
        symptom: 'not_cooling',
        description: 'The milk goes off and the fridge hums all the time',
      });
      const ticketId = await visits.openVisit(
        request,
        gasketTriage,
        'the self-triage found no fix the customer can do',
      );
      await h.get(TicketState).settled();
      const ticket = await h.get(TicketsRepository).find(ticketId);
      expect(ticket).toMatchObject({
        source: 'customer',
        requestId: request.requestId,
        deviceId: device.id,
        customerId: customer.id,
        priority: 'P2',
        faultMode: 'door_gasket_failure',
        likelyPart: 'door-gasket',
        alarmId: null,
      });
      expect(ticket?.description).toContain('The milk goes off and the fridge hums all the time');
      expect(ticket?.description).toContain(request.number);
      for (const finding of gasketTriage.findings) expect(ticket?.description).toContain(finding.text);
      expect(ticket?.title).toContain(request.number);
    });

    it('adds a second request about the same appliance to its open ticket', async () => {
      const device = await h.provision('refrigerator', customer);
      const first = await visits.openVisit(
        subject(device.id, { symptom: 'door_not_sealing' }),
        null,
        'customer asked',
      );
      const second = subject(device.id, { symptom: 'burning_smell', description: 'Now it smells burnt' });
      expect(await visits.openVisit(second, null, 'customer insists on a visit')).toBe(first);
      // the same request again changes nothing
      expect(await visits.openVisit(second, null, 'customer insists on a visit')).toBe(first);
      await h.get(TicketState).settled();
      const repository = h.get(TicketsRepository);
      const tickets = await repository.list({ deviceId: device.id, limit: 10, offset: 0 });
      expect(tickets).toHaveLength(1);
      const [ticket] = tickets;
      expect(ticket.description).toContain('Now it smells burnt');
      expect(ticket.description.split(second.number)).toHaveLength(2);
      // a safety request raises the ticket's priority
      expect(ticket.priority).toBe('P1');
      const audit = await repository.audit(first);
      expect(audit.filter((a) => a.reason.includes(second.number))).toHaveLength(1);
      expect(audit.at(-1)).toMatchObject({ actor: `customer:${customer.id}`, actorKind: 'customer' });
    });

    it('sets the priority from the urgency of the symptom', async () => {
      const cases = [
        ['electric_shock', 'P1'],
        ['no_hot_water', 'P2'],
        ['slow_heating', 'P3'],
        [null, 'P3'],
      ] as const;
      for (const [symptom, priority] of cases) {
        const device = await h.provision('water_heater', customer);
        const id = await visits.openVisit(
          subject(device.id, { symptom, description: 'help' }),
          null,
          'customer asked',
        );
        expect((await h.get(TicketsRepository).find(id))?.priority).toBe(priority);
      }
    });
  });
});
