import {
  applianceTypesNamed,
  chooseDevice,
  isKeptKind,
  mayReplyOn,
  replyText,
  requestNumberIn,
} from './mail-matching';

describe('which request an e-mail subject quotes', () => {
  it.each([
    ['Re: [SR-000042] Your request was received', 'SR-000042'],
    ['RE: SR-000042 washer still leaking', 'SR-000042'],
    ['回复：[SR-000107] 已收到您的服务请求', 'SR-000107'],
    ['about sr-000042', 'SR-000042'],
    ['Fwd: (SR-12)', 'SR-12'],
  ])('%s → %s', (subject, number) => {
    expect(requestNumberIn(subject)).toBe(number);
  });

  it.each(['My washer is leaking', 'USR-000042 not ours', 'SR-', 'SR-00a', 'MSR-1'])(
    '%s → none',
    (subject) => {
      expect(requestNumberIn(subject)).toBeUndefined();
    },
  );
});

describe('which appliance an e-mail names', () => {
  it.each([
    ['My washing machine makes a noise', ['washer']],
    ['the washer is leaking', ['washer']],
    ['Dishwasher does not drain', ['dishwasher']],
    ['fridge too warm', ['refrigerator']],
    ['The REFRIGERATOR light', ['refrigerator']],
    ['air conditioner blows warm air', ['air_conditioner']],
    ['no hot water from the water heater', ['water_heater']],
    ['洗衣机漏水', ['washer']],
    ['冰箱不制冷', ['refrigerator']],
    ['空调不冷', ['air_conditioner']],
    ['热水器没有热水', ['water_heater']],
    ['洗碗机不排水', ['dishwasher']],
    ['the washer and the fridge', ['washer', 'refrigerator']],
    ['it is broken', []],
  ])('%s → %j', (text, types) => {
    expect(applianceTypesNamed(text)).toEqual(types);
  });
});

describe("which of the customer's appliances an e-mail is about", () => {
  const washer = { id: 'dev-w', type: 'washer' };
  const fridge = { id: 'dev-f', type: 'refrigerator' };
  const secondWasher = { id: 'dev-w2', type: 'washer' };

  it('is the only appliance the customer has, whatever the text says', () => {
    expect(chooseDevice([fridge], 'my washer is leaking')).toBe(fridge);
  });

  it('is the one of the type the text names, in English or Chinese', () => {
    expect(chooseDevice([washer, fridge], 'The fridge is too warm')).toBe(fridge);
    expect(chooseDevice([washer, fridge], '洗衣机漏水了')).toBe(washer);
  });

  it('is left for an engineer when the text names none, several, or a type the customer has twice', () => {
    expect(chooseDevice([washer, fridge], 'it is broken')).toBeNull();
    expect(chooseDevice([washer, fridge], 'the washer and the fridge')).toBeNull();
    expect(chooseDevice([washer, secondWasher, fridge], 'washer leaking')).toBeNull();
    expect(chooseDevice([washer, fridge], 'my dishwasher')).toBeNull();
    expect(chooseDevice([], 'my washer')).toBeNull();
  });
});

describe('who may reply on a request by e-mail', () => {
  const request = { customerId: 'cust-1', contactEmail: 'Anna@Example.com' };

  it('is the request’s customer, from any of their addresses', () => {
    expect(mayReplyOn(request, { email: 'other@example.com', customerId: 'cust-1' })).toBe(true);
  });

  it('is the contact address the request gave, in any letter case', () => {
    expect(mayReplyOn(request, { email: 'anna@example.com', customerId: null })).toBe(true);
    expect(
      mayReplyOn({ customerId: null, contactEmail: 'x@y.cn' }, { email: 'X@Y.CN', customerId: null }),
    ).toBe(true);
  });

  it('is nobody else', () => {
    expect(mayReplyOn(request, { email: 'stranger@example.com', customerId: null })).toBe(false);
    expect(mayReplyOn(request, { email: 'stranger@example.com', customerId: 'cust-2' })).toBe(false);
    expect(mayReplyOn({ customerId: null, contactEmail: null }, { email: 'a@b.c', customerId: null })).toBe(
      false,
    );
  });
});

describe('the new text of a reply', () => {
  it('leaves out the quoted earlier e-mail', () => {
    const body = [
      'Still leaking after the reset.',
      'Photo attached.',
      '',
      'On Mon, 5 Jan 2026 at 13:00, Appliance Care <care@example.com> wrote:',
      '> We received your request SR-000042.',
    ].join('\r\n');
    expect(replyText(body)).toBe('Still leaking after the reset.\nPhoto attached.');
    expect(replyText('好的\n在 2026年1月5日 13:00，Appliance Care 写道：\n> 已收到')).toBe('好的');
    expect(replyText('> only a quote')).toBe('');
    expect(replyText('Yes\n-----Original Message-----\nFrom: care')).toBe('Yes');
  });
});

describe('which attachments are kept', () => {
  it('keeps photos and PDFs, nothing else', () => {
    expect(isKeptKind('image/jpeg')).toBe(true);
    expect(isKeptKind('IMAGE/PNG')).toBe(true);
    expect(isKeptKind('application/pdf')).toBe(true);
    expect(isKeptKind('application/zip')).toBe(false);
    expect(isKeptKind('text/html')).toBe(false);
  });
});
