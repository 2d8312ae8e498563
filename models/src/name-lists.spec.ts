import { NameLists } from './name-lists';

describe('NameLists', () => {
  it('gives one frozen list for the same names in the same order, and no more than it may share', () => {
    const lists = new NameLists(2);
    const a = lists.of(['drumRpm', 'waterTempC']);
    expect(lists.of(['drumRpm', 'waterTempC'])).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(lists.of(['waterTempC', 'drumRpm'])).not.toBe(a);
    // names that would run together are told apart
    expect(lists.of(['a1:b'])).toEqual(['a1:b']);
    expect(lists.of(['a', 'b'])).toEqual(['a', 'b']);
    // past two shared lists a new one is its holder's own
    expect(lists.size).toBe(2);
    expect(lists.of(['a', 'b'])).not.toBe(lists.of(['a', 'b']));
  });
});
