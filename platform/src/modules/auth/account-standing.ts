import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { lruBound } from '../../../../models/src/lru-bound';
import { Clock } from '../../common/clock/clock';
import { UsersRepository, type UserStanding } from './users.repository';

/**
 * How long another instance may go on accepting the tokens of a user disabled (or whose
 * password was reset) elsewhere; on the instance that made the change it is immediate.
 */
export const STANDING_TTL_MS = 5_000;
/** Users remembered at once, least recent forgotten first. */
const MAX_USERS = 100_000;

/**
 * Whether a user's tokens are still good (not disabled, not revoked), read from the users table
 * at most once per user per `STANDING_TTL_MS`, so every request does not cost a query.
 */
@Injectable()
export class AccountStanding {
  private readonly cache: LRUCache<string, UserStanding>;
  /** Bumped by every `forget`, so a read that raced a change does not cache what it read before it. */
  private changes = 0;

  constructor(
    private readonly users: UsersRepository,
    clock: Clock,
  ) {
    this.cache = new LRUCache<string, UserStanding>({
      ...lruBound(MAX_USERS),
      ttl: STANDING_TTL_MS,
      perf: { now: () => clock.now() },
    });
  }

  /** Undefined for a user who does not exist (any more). */
  async of(userId: string): Promise<UserStanding | undefined> {
    const cached = this.cache.get(userId);
    if (cached) return cached;
    const changesBefore = this.changes;
    const standing = await this.users.standing(userId);
    if (standing && this.changes === changesBefore) this.cache.set(userId, standing);
    return standing;
  }

  /** Called after this instance changed the user's standing. */
  forget(userId: string): void {
    this.changes += 1;
    this.cache.delete(userId);
  }
}
