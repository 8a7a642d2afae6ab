/** @medcoder/server public API. */
export { createServer, startServer, defaultWebDir, type ServerOptions, type RunningServer } from './server.js';
export { buildApp } from './app.js';
export { CodingPool, defaultCodingThreads, type CodingPoolOptions } from './coding/pool.js';
export { connect, isPostgresUrl, type Db, type ConnectOptions } from './db/connect.js';
export { verifyTrail, appendTrail, type TrailVerification } from './audit/trail.js';
export { ensureAdmin, createUser } from './services/users.js';
export { ingestDirectory, type IngestReport } from './ingest.js';
export { seedDemo, DEMO_USERS } from './demo.js';
export { PERMISSIONS, type Permission } from './auth/permissions.js';
export { WorkerPool, enqueue, claim, complete, reclaimExpired } from './jobs/queue.js';
export type { AppContext } from './context.js';
