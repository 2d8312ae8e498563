// Which refused requests sign the person out: a late answer to an earlier session's request must
// not sign out whoever signed in since (a technician signs out, an admin signs in, the
// technician's last request comes back 401 after).
import { endsSession } from '../../dashboards/src/api/refused-session';

describe('a refused token', () => {
  it('ends the session the request was sent with', () => {
    expect(endsSession(401, 'technician', 'technician')).toBe(true);
  });

  it('does not end a session begun after the request was sent', () => {
    expect(endsSession(401, 'technician', 'admin')).toBe(false);
    expect(endsSession(401, 'technician', undefined)).toBe(false);
  });

  it('ends nothing for a request sent without a token, or for an answer other than 401', () => {
    expect(endsSession(401, undefined, 'admin')).toBe(false);
    expect(endsSession(403, 'admin', 'admin')).toBe(false);
    expect(endsSession(200, 'admin', 'admin')).toBe(false);
  });
});
