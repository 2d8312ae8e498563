/**
 * Whether a 401 ends the session signed in now: only when the request was sent with that very
 * session's token. A request of an earlier session (signed out since, or another user signed in
 * since) answered late must not sign out the person now at the screen; a request sent without a
 * token has no session to end.
 */
export function endsSession(
  status: number,
  sentToken: string | undefined,
  currentToken: string | undefined,
): boolean {
  return status === 401 && sentToken !== undefined && sentToken === currentToken;
}
