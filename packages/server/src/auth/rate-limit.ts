/**
 * Login rate limiting: after `max` failed attempts for one (address,
 * username) pair, or `max * 4` from one address, within `windowMs`, further
 * attempts are refused until the window passes. Successful logins clear the
 * pair. In memory: each server instance limits on its own.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(readonly max = 5, readonly windowMs = 15 * 60_000) {}

  private recent(key: string, t: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((x) => t - x < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until another attempt is allowed, or 0. */
  retryAfter(ip: string, username: string, t = Date.now()): number {
    const pair = this.recent(`${ip}\u0000${username.toLowerCase()}`, t);
    const addr = this.recent(ip, t);
    const blocked = [pair.length >= this.max ? pair : undefined, addr.length >= this.max * 4 ? addr : undefined].filter((x): x is number[] => !!x);
    if (!blocked.length) return 0;
    return Math.max(...blocked.map((l) => l[0]! + this.windowMs - t));
  }

  fail(ip: string, username: string, t = Date.now()): void {
    for (const key of [`${ip}\u0000${username.toLowerCase()}`, ip]) {
      const list = this.recent(key, t);
      list.push(t);
      this.failures.set(key, list);
    }
  }

  succeed(ip: string, username: string): void {
    this.failures.delete(`${ip}\u0000${username.toLowerCase()}`);
  }
}
