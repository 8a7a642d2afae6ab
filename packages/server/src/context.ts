import type { CodeSets } from '@medcoder/engine';
import type { Db } from './db/connect.js';
import type { WorkerPool } from './jobs/queue.js';
import type { LoginLimiter } from './auth/rate-limit.js';
import type { CodingFn, CodingRequest, EditsFn } from './coding/engine-bridge.js';

export interface ServerConfig {
  /** Send cookies with Secure (behind TLS). */
  secureCookies: boolean;
  /** Session lifetime. */
  sessionHours: number;
  /** Built web app to serve at / (optional). */
  webDir?: string;
}

export interface AppContext {
  db: Db;
  codeSets: CodeSets;
  pool: WorkerPool;
  limiter: LoginLimiter;
  config: ServerConfig;
  /** codes documents (default: the engine, see coding/engine-bridge.ts) */
  coding: CodingFn;
  /** the coding route's answer as JSON, written where the coding ran (the coding threads); without it the route writes it from `coding` */
  codeTextJson?: (req: CodingRequest) => Promise<string>;
  /** runs edits on final codes */
  edits: EditsFn;
}
