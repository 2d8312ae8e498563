import { assignTypes, parseMix } from './fleet-mix';

describe('fleet mix', () => {
  it('assigns types in proportion and keeps earlier devices stable as the fleet grows', () => {
    const mix = parseMix('washer:2,refrigerator:1,dishwasher:1');
    const types = assignTypes(40, mix);
    expect(types.filter((t) => t === 'washer')).toHaveLength(20);
    expect(types.filter((t) => t === 'refrigerator')).toHaveLength(10);
    expect(assignTypes(60, mix).slice(0, 40)).toEqual(types);
  });

  it('rejects unknown types and bad weights', () => {
    expect(() => parseMix('toaster:1')).toThrow('toaster');
    expect(() => parseMix('washer:-1')).toThrow('bad weight');
    expect(() => parseMix('washer:0')).toThrow('positive');
  });
});
