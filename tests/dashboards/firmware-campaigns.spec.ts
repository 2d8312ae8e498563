// The firmware page's own rules: the wave inputs become the cumulative fractions the server takes (or
// are refused), model and region lists are read as a person types them, and each campaign state
// offers the actions the server accepts for it.
import {
  actionsFor,
  DEFAULT_WAVES,
  percentsFromWaves,
  splitList,
  wavesFromPercents,
} from '../../dashboards/src/engineer/firmware-types';

describe('the firmware campaign form', () => {
  it('turns the preset waves into 1 % → 10 % → 50 % → 100 % and back', () => {
    expect(percentsFromWaves(DEFAULT_WAVES)).toEqual(['1', '10', '50', '100']);
    expect(wavesFromPercents(['1', '10', '50', '100'])).toEqual([0.01, 0.1, 0.5, 1]);
    expect(wavesFromPercents(['12.5', '100'])).toEqual([0.125, 1]);
  });

  it.each([
    [['10', '5', '100']],
    [['10', '10', '100']],
    [['10', '50']],
    [['0', '100']],
    [['abc', '100']],
    [[]],
  ])('refuses waves %j', (percents) => {
    expect(wavesFromPercents(percents)).toBeNull();
  });

  it('reads lists separated by commas (also the Chinese comma), without blanks or repeats', () => {
    expect(splitList(' WM-5300, WM-5400 ，WM-5300,, ')).toEqual(['WM-5300', 'WM-5400']);
    expect(splitList('')).toEqual([]);
  });
});

describe('the actions a campaign offers', () => {
  it.each([
    ['draft', true, ['start', 'cancel']],
    ['running', true, ['pause', 'cancel']],
    ['paused', true, ['resume', 'cancel', 'rollback']],
    ['halted', false, ['rollback', 'cancel']],
    // rolling back by itself already
    ['halted', true, ['cancel']],
    ['completed', true, ['rollback']],
    ['cancelled', true, []],
    ['rolled_back', true, []],
  ] as const)('a %s campaign (auto rollback %s): %j', (state, autoRollback, expected) => {
    expect(actionsFor({ state, autoRollback })).toEqual(expected);
  });
});
