/**
 * Schema migrations, written once for both dialects with Kysely's schema
 * builder. Add a new entry for every change; never edit a shipped one.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Db, Dialect } from './connect.js';

function migrations(dialect: Dialect): Record<string, Migration> {
  const pg = dialect === 'postgres';
  // An auto-increment integer key on both dialects.
  const idCol = pg ? ('serial' as const) : ('integer' as const);
  const real = pg ? ('double precision' as const) : ('real' as const);
  const pk = <T extends { primaryKey(): T; autoIncrement(): T }>(c: T): T => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  return {
    '0001_initial': {
      async up(db: Kysely<any>) {
        await db.schema.createTable('users')
          .addColumn('id', idCol, pk)
          .addColumn('username', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
          .addColumn('csrf_token', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createTable('patients')
          .addColumn('id', idCol, pk)
          .addColumn('mrn', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('birth_date', 'text')
          .addColumn('sex', 'text')
          .execute();
        await db.schema.createTable('encounters')
          .addColumn('id', idCol, pk)
          .addColumn('external_id', 'text', (c) => c.unique())
          .addColumn('patient_id', 'integer', (c) => c.notNull().references('patients.id'))
          .addColumn('setting', 'text', (c) => c.notNull())
          .addColumn('service_from', 'text', (c) => c.notNull())
          .addColumn('service_to', 'text', (c) => c.notNull())
          .addColumn('provider', 'text')
          .addColumn('payer', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('assigned_to', 'integer', (c) => c.references('users.id'))
          .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('coded_at', 'text')
          .addColumn('coding_engine', 'text')
          .addColumn('coding_error', 'text')
          .addColumn('finalized_by', 'integer', (c) => c.references('users.id'))
          .addColumn('finalized_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('encounters_status_from').on('encounters').columns(['status', 'service_from', 'id']).execute();
        await db.schema.createIndex('encounters_from').on('encounters').columns(['service_from', 'id']).execute();
        await db.schema.createIndex('encounters_assigned').on('encounters').columns(['assigned_to', 'status']).execute();
        await db.schema.createIndex('encounters_finalized_by').on('encounters').columns(['finalized_by', 'finalized_at']).execute();
        await db.schema.createTable('documents')
          .addColumn('id', idCol, pk)
          .addColumn('encounter_id', 'integer', (c) => c.notNull().references('encounters.id'))
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('mime', 'text', (c) => c.notNull())
          .addColumn('text_source', 'text', (c) => c.notNull())
          .addColumn('ocr_confidence', real)
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('documents_encounter').on('documents').column('encounter_id').execute();
        await db.schema.createTable('suggestions')
          .addColumn('id', idCol, pk)
          .addColumn('encounter_id', 'integer', (c) => c.notNull().references('encounters.id'))
          .addColumn('system', 'text', (c) => c.notNull())
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('sequence', 'integer')
          .addColumn('confidence', real, (c) => c.notNull())
          .addColumn('rationale', 'text', (c) => c.notNull())
          .addColumn('evidence', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('reject_reason', 'text')
          .addColumn('suppress_reason', 'text')
          .addColumn('poa', 'text')
          .addColumn('details', 'text')
          .execute();
        await db.schema.createIndex('suggestions_encounter').on('suggestions').columns(['encounter_id', 'status']).execute();
        await db.schema.createTable('final_codes')
          .addColumn('id', idCol, pk)
          .addColumn('encounter_id', 'integer', (c) => c.notNull().references('encounters.id'))
          .addColumn('system', 'text', (c) => c.notNull())
          .addColumn('code', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('sequence', 'integer', (c) => c.notNull())
          .addColumn('poa', 'text')
          .addColumn('suggestion_id', 'integer')
          .addColumn('added_by', 'integer', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('final_codes_encounter').on('final_codes').column('encounter_id').execute();
        await db.schema.createTable('edit_findings')
          .addColumn('id', idCol, pk)
          .addColumn('encounter_id', 'integer', (c) => c.notNull().references('encounters.id'))
          .addColumn('rule', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('codes', 'text', (c) => c.notNull())
          .addColumn('fixes', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('edit_findings_encounter').on('edit_findings').column('encounter_id').execute();
        await db.schema.createTable('provider_queries')
          .addColumn('id', idCol, pk)
          .addColumn('encounter_id', 'integer', (c) => c.notNull().references('encounters.id'))
          .addColumn('code', 'text')
          .addColumn('question', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('answer', 'text')
          .addColumn('answered_by', 'integer', (c) => c.references('users.id'))
          .addColumn('answered_at', 'text')
          .addColumn('closed_at', 'text')
          .execute();
        await db.schema.createIndex('provider_queries_encounter').on('provider_queries').columns(['encounter_id', 'status']).execute();
        await db.schema.createTable('audits')
          .addColumn('id', idCol, pk)
          .addColumn('encounter_id', 'integer', (c) => c.notNull().references('encounters.id'))
          .addColumn('coder_id', 'integer', (c) => c.notNull().references('users.id'))
          .addColumn('auditor_id', 'integer', (c) => c.references('users.id'))
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('auditor_codes', 'text')
          .addColumn('coder_codes', 'text', (c) => c.notNull())
          .addColumn('true_positives', 'integer')
          .addColumn('false_positives', 'integer')
          .addColumn('false_negatives', 'integer')
          .addColumn('precision', real)
          .addColumn('recall', real)
          .addColumn('principal_changed', 'integer')
          .addColumn('comments', 'text')
          .addColumn('rebuttal', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('completed_at', 'text')
          .execute();
        await db.schema.createIndex('audits_status').on('audits').columns(['status', 'coder_id']).execute();
        await db.schema.createTable('jobs')
          .addColumn('id', idCol, pk)
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('max_attempts', 'integer', (c) => c.notNull().defaultTo(3))
          .addColumn('run_after', 'text', (c) => c.notNull())
          .addColumn('locked_by', 'text')
          .addColumn('locked_at', 'text')
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .execute();
        await db.schema.createIndex('jobs_claim').on('jobs').columns(['status', 'run_after', 'id']).execute();
        await db.schema.createTable('audit_trail')
          .addColumn('id', idCol, pk)
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('user_id', 'integer')
          .addColumn('username', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('entity', 'text', (c) => c.notNull())
          .addColumn('entity_id', 'text')
          .addColumn('detail', 'text', (c) => c.notNull())
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_trail_entity').on('audit_trail').columns(['entity', 'entity_id']).execute();
        // The trail is append-only: the database itself refuses updates and deletes.
        if (pg) {
          await sql`create function medcoder_trail_append_only() returns trigger language plpgsql as $$
            begin raise exception 'audit_trail is append-only'; end $$`.execute(db);
          await sql`create trigger audit_trail_no_update before update or delete on audit_trail
            for each row execute function medcoder_trail_append_only()`.execute(db);
        } else {
          await sql`create trigger audit_trail_no_update before update on audit_trail
            begin select raise(abort, 'audit_trail is append-only'); end`.execute(db);
          await sql`create trigger audit_trail_no_delete before delete on audit_trail
            begin select raise(abort, 'audit_trail is append-only'); end`.execute(db);
        }
      },
    },
    '0002_worklist_counts': {
      // The worklist counts encounters per status under any filter: one index that covers
      // every filtered column makes that an index-only scan.
      async up(db: Kysely<any>) {
        await db.schema.createIndex('encounters_counts').on('encounters').columns(['status', 'setting', 'assigned_to', 'finalized_by', 'service_from']).execute();
        await db.schema.createIndex('encounters_setting_from').on('encounters').columns(['setting', 'service_from', 'id']).execute();
        await db.schema.createIndex('patients_name').on('patients').column('name').execute();
      },
    },
    '0003_worklist_setting_counts': {
      // counts per status within one setting read only this index
      async up(db: Kysely<any>) {
        await db.schema.createIndex('encounters_setting_status').on('encounters').columns(['setting', 'status']).execute();
      },
    },
    '0004_scrubber_and_claims': {
      // findings of the claim scrubber keep their layer, advice and source; encounters keep the claim details for the 837 and CMS-1500
      async up(db: Kysely<any>) {
        for (const c of ['layer', 'advice', 'source']) await db.schema.alterTable('edit_findings').addColumn(c, 'text').execute();
        await db.schema.alterTable('encounters').addColumn('claim_data', 'text').execute();
      },
    },
    '0005_worklist_coder_pages': {
      // a coder's worklist page reads "assigned to" and "finalized by" as two index ranges already in
      // worklist order, with or without a status (EXPLAIN on PostgreSQL, 100,000 encounters: 17 ms → under 1 ms
      // for a coder with few encounters in the status); the first replaces encounters_assigned (its prefix)
      async up(db: Kysely<any>) {
        await db.schema.createIndex('encounters_assigned_page').on('encounters').columns(['assigned_to', 'status', 'service_from', 'id']).execute();
        await db.schema.createIndex('encounters_finalized_page').on('encounters').columns(['finalized_by', 'status', 'service_from', 'id']).execute();
        await db.schema.dropIndex('encounters_assigned').execute();
      },
    },
    '0006_worklist_counts_table': {
      // Worklist counts without a date, text or coder filter (other than "unassigned") are read
      // from encounter_counts, which triggers keep: one signed delta row per change, summed on
      // read and folded by compaction (services/encounter-counts.ts). Counting 100,000
      // encounters per status read the whole status index on every page (SQLite about 6 ms of
      // CPU, PostgreSQL 16 ms); the table answers from a few dozen rows.
      // Pages: status with setting, and "unassigned" without a status, are one index range in page
      // order (were a sort of every match); the text filter finds a patient's encounters by index.
      async up(db: Kysely<any>) {
        await db.schema.createTable('encounter_counts')
          .addColumn('id', idCol, pk)
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('setting', 'text', (c) => c.notNull())
          .addColumn('unassigned', 'integer', (c) => c.notNull())
          .addColumn('n', 'integer', (c) => c.notNull())
          .execute();
        if (pg) {
          // statement-level triggers: a bulk insert or update adds one delta row per group it changes
          await sql`create function medcoder_encounter_counts() returns trigger language plpgsql as $$
            begin
              if tg_op = 'INSERT' then
                insert into encounter_counts (status, setting, unassigned, n)
                  select status, setting, (assigned_to is null)::int, count(*) from new_rows group by 1, 2, 3;
              elsif tg_op = 'DELETE' then
                insert into encounter_counts (status, setting, unassigned, n)
                  select status, setting, (assigned_to is null)::int, -count(*) from old_rows group by 1, 2, 3;
              else
                insert into encounter_counts (status, setting, unassigned, n)
                  select status, setting, unassigned, sum(d) from (
                    select o.status, o.setting, (o.assigned_to is null)::int as unassigned, -1 as d from old_rows o join new_rows w on w.id = o.id
                    union all
                    select w.status, w.setting, (w.assigned_to is null)::int, 1 from old_rows o join new_rows w on w.id = o.id
                  ) changes
                  group by 1, 2, 3 having sum(d) <> 0;
              end if;
              return null;
            end $$`.execute(db);
          await sql`create trigger encounter_counts_insert after insert on encounters referencing new table as new_rows
            for each statement execute function medcoder_encounter_counts()`.execute(db);
          await sql`create trigger encounter_counts_update after update on encounters referencing old table as old_rows new table as new_rows
            for each statement execute function medcoder_encounter_counts()`.execute(db);
          await sql`create trigger encounter_counts_delete after delete on encounters referencing old table as old_rows
            for each statement execute function medcoder_encounter_counts()`.execute(db);
        } else {
          await sql`create trigger encounter_counts_insert after insert on encounters begin
            insert into encounter_counts (status, setting, unassigned, n) values (new.status, new.setting, new.assigned_to is null, 1); end`.execute(db);
          await sql`create trigger encounter_counts_delete after delete on encounters begin
            insert into encounter_counts (status, setting, unassigned, n) values (old.status, old.setting, old.assigned_to is null, -1); end`.execute(db);
          await sql`create trigger encounter_counts_update after update of status, setting, assigned_to on encounters
            when old.status is not new.status or old.setting is not new.setting or (old.assigned_to is null) is not (new.assigned_to is null) begin
            insert into encounter_counts (status, setting, unassigned, n) values (old.status, old.setting, old.assigned_to is null, -1), (new.status, new.setting, new.assigned_to is null, 1); end`.execute(db);
        }
        await sql`insert into encounter_counts (status, setting, unassigned, n)
          select status, setting, ${pg ? sql`(assigned_to is null)::int` : sql`assigned_to is null`}, count(*) from encounters group by 1, 2, 3`.execute(db);
        await db.schema.createIndex('encounters_setting_status_from').on('encounters').columns(['setting', 'status', 'service_from', 'id']).execute();
        await db.schema.dropIndex('encounters_setting_status').execute();
        await db.schema.createIndex('encounters_patient').on('encounters').column('patient_id').execute();
        // unassigned (or one coder's) encounters of any status in page order
        await db.schema.createIndex('encounters_assigned_from').on('encounters').columns(['assigned_to', 'service_from', 'id']).execute();
      },
    },
  };
}

export async function migrate(db: Db): Promise<void> {
  const list = migrations(db.dialect);
  const provider: MigrationProvider = { getMigrations: async () => list };
  const migrator = new Migrator({ db: db.kysely, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error).message ?? String(error)}`, { cause: error });
  }
}
