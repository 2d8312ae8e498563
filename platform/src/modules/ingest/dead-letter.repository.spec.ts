import { refusedForItsData, storablePayload, storableText } from './dead-letter.repository';

const NUL = String.fromCharCode(0);

describe('dead letters as PostgreSQL text', () => {
  it('keeps UTF-8 text without NUL as sent', () => {
    expect(storablePayload(Buffer.from('{"ts": 1, "seq": '))).toBe('{"ts": 1, "seq": ');
    expect(storablePayload(Buffer.from('température \\u0000 ok'))).toBe('température \\u0000 ok');
    expect(storablePayload(Buffer.alloc(0))).toBe('');
  });

  it('keeps anything else as base64 of the exact bytes, a payload that looks encoded included', () => {
    for (const bytes of [
      Buffer.from(`a${NUL}b`),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
      Buffer.from([0xed, 0xa0, 0x80]), // a surrogate encoded as if it were a character
      Buffer.from([0x61, 0xc3]), // ends inside a character
      Buffer.from('base64:YQBi'),
    ]) {
      const stored = storablePayload(bytes);
      expect(stored.startsWith('base64:')).toBe(true);
      expect(Buffer.from(stored.slice('base64:'.length), 'base64').equals(bytes)).toBe(true);
    }
  });

  it('shows NUL and half surrogate pairs in composed text as visible escapes, whole pairs as they are', () => {
    expect(storableText(`no metric "${NUL}"`)).toBe('no metric "\\u0000"');
    expect(storableText('a\ud800b\udc00c')).toBe('a\\ud800b\\udc00c');
    expect(storableText('x\ud83d')).toBe('x\\ud83d');
    expect(storableText('🙂 ok')).toBe('🙂 ok');
  });

  it('tells a row refused for its data from a database out of reach', () => {
    expect(
      refusedForItsData(Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' })),
    ).toBe(true);
    expect(refusedForItsData(Object.assign(new Error('null value'), { code: '23502' }))).toBe(true);
    expect(refusedForItsData(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      false,
    );
    expect(refusedForItsData(new Error('connect ECONNREFUSED'))).toBe(false);
    expect(refusedForItsData(undefined)).toBe(false);
  });
});
