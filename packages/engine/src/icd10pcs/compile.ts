import type { CompileContext, CompiledOutput, GroupSource, ReleaseGroup, SystemCompiler } from '../releases/compiler.js';
import { VALID_CODES_FILE } from '../releases/import.js';
import { readOrderFile, type OrderRow } from '../sources/order-file.js';
import { MedcoderError } from '../errors.js';
import { parsePcsTables, type PcsTablesData } from './tables.js';
import { parsePcsDefinitions, PcsTermFinder, type PcsDefinitionsData } from './definitions.js';
import { PCS_DATA_FILE, type PcsCompiled, type PcsCompiledRow, type PcsCompiledTable, type PcsCompiledTerm } from './compiled.js';
import { PcsTableIndex } from './table-index.js';

/** How many codes a note lists before it says "and N more". */
const NOTE_LIST = 20;

const listed = (codes: string[]) => `${codes.slice(0, NOTE_LIST).join(', ')}${codes.length > NOTE_LIST ? `, and ${codes.length - NOTE_LIST} more` : ''}`;

/**
 * Turn the parsed tables (and definitions, when present) into the compiled
 * table form: tables sorted by key, rows as strings of allowed characters
 * with parallel labels, and each value's definitions term resolved once here
 * so lookups never search the definitions.
 */
export function compileTables(tables: PcsTablesData, definitions: PcsDefinitionsData | undefined, notes: string[]): { tables: PcsCompiledTable[]; terms: PcsCompiledTerm[] } {
  const finder = new PcsTermFinder(definitions);
  const terms: PcsCompiledTerm[] = [];
  const remap = new Map<number, number>();
  const termIndex = (found: number): number => {
    if (found < 0) return -1;
    let i = remap.get(found);
    if (i === undefined) {
      const src = finder.terms[found]!;
      const term: PcsCompiledTerm = {};
      if (src.definition) term.d = src.definition;
      if (src.explanation) term.e = src.explanation;
      if (src.includes?.length) term.i = src.includes;
      i = terms.length;
      terms.push(term);
      remap.set(found, i);
    }
    return i;
  };

  const out = new Map<string, PcsCompiledTable>();
  for (const src of tables.tables) {
    const [section, system, operation] = src.axes as [(typeof src.axes)[0], (typeof src.axes)[0], (typeof src.axes)[0]];
    const key = section.labels[0]![0] + system.labels[0]![0] + operation.labels[0]![0];
    if (out.has(key)) throw new MedcoderError('SOURCE_MALFORMED', `code tables: table ${key} appears twice`, { table: key });
    const first = src.rows[0]!;
    const x = [section.title, system.title, operation.title, ...first.axes.map((a) => a.title)] as PcsCompiledTable['x'];
    const context = { bodySystem: system.labels[0]![1], operation: operation.labels[0]![1] };
    const table: PcsCompiledTable = {
      k: key,
      l: [section.labels[0]![1], system.labels[0]![1], operation.labels[0]![1]],
      x,
      r: [],
    };
    if (operation.definition) table.d = operation.definition;
    const opTerm = termIndex(finder.find(key[0]!, 3, operation.labels[0]![1], context));
    if (opTerm >= 0) table.t = opTerm;
    for (const row of src.rows) {
      const compiled: PcsCompiledRow = {
        v: row.axes.map((a) => a.labels.map(([c]) => c).join('')) as PcsCompiledRow['v'],
        l: row.axes.map((a) => a.labels.map(([, l]) => l)) as PcsCompiledRow['l'],
      };
      for (const a of row.axes) {
        const chars = a.labels.map(([c]) => c);
        if (new Set(chars).size !== chars.length) notes.push(`table ${key}: a row lists a value of axis ${a.pos} twice`);
      }
      const t = row.axes.map((a) => a.labels.map(([, label]) => termIndex(finder.find(key[0]!, a.pos, label, context)))) as NonNullable<PcsCompiledRow['t']>;
      if (t.some((axis) => axis.some((i) => i >= 0))) compiled.t = t;
      const titles = row.axes.map((a) => a.title);
      if (titles.some((title, i) => title !== x[3 + i])) compiled.x = titles as NonNullable<PcsCompiledRow['x']>;
      table.r.push(compiled);
    }
    out.set(key, table);
  }
  return { tables: [...out.values()].sort((a, b) => (a.k < b.k ? -1 : 1)), terms };
}

function single(group: ReleaseGroup, kind: string, what: string): GroupSource | undefined {
  const found = group.sources.filter((s) => s.detection.kind === kind);
  if (found.length > 1) {
    throw new MedcoderError('IMPORT_FAILED', `${group.id}: more than one ${what} for one release: ${found.map((s) => s.entry.path).join(', ')}`);
  }
  return found[0];
}

/**
 * Merge the order file into the compiled tables: table header titles, the
 * valid codes with their long and short titles, and a consistency check
 * that every valid code of the order file is made by exactly the tables.
 */
function applyOrder(rows: OrderRow[], compiled: PcsCompiled, index: PcsTableIndex, notes: string[]): Record<string, number> {
  const byKey = new Map(compiled.tables.map((t) => [t.k, t]));
  const valid: OrderRow[] = [];
  const notInTables: string[] = [];
  const unknownHeaders: string[] = [];
  const odd: string[] = [];
  let headers = 0;
  for (const r of rows) {
    if (r.code.length === 3 && !r.billable) {
      headers++;
      const t = byKey.get(r.code);
      if (t) t.h = r.long;
      else unknownHeaders.push(r.code);
    } else if (r.code.length === 7 && r.billable) {
      valid.push(r);
      if (index.match(r.code).kind !== 'row') notInTables.push(r.code);
    } else {
      odd.push(r.code);
    }
  }
  valid.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const listedCodes = new Set<string>();
  compiled.codes = [];
  compiled.titles = [];
  compiled.short = [];
  for (const r of valid) {
    if (listedCodes.has(r.code)) {
      notes.push(`order file lists ${r.code} twice; the first row is used`);
      continue;
    }
    listedCodes.add(r.code);
    compiled.codes.push(r.code);
    compiled.titles.push(r.long);
    compiled.short.push(r.short && r.short !== r.long ? r.short : '');
  }
  let tableCodes = 0;
  const notInOrder: string[] = [];
  for (const c of index.allCodes()) {
    tableCodes++;
    if (!listedCodes.has(c)) notInOrder.push(c);
  }
  if (notInTables.length) notes.push(`${notInTables.length} valid codes of the order file do not validate against the code tables: ${listed(notInTables)}`);
  if (notInOrder.length) notes.push(`${notInOrder.length} codes the tables make are not valid codes in the order file (not reportable in this release): ${listed(notInOrder.sort())}`);
  if (unknownHeaders.length) notes.push(`${unknownHeaders.length} order-file table headers have no code table: ${listed(unknownHeaders)}`);
  if (odd.length) notes.push(`${odd.length} order-file rows are neither a table header nor a valid 7-character code: ${listed(odd)}`);
  return {
    orderRows: rows.length,
    orderHeaders: headers,
    orderCodes: valid.length,
    orderCodesInTables: valid.length - notInTables.length,
    tableCodes,
  };
}

export const icd10pcsCompiler: SystemCompiler = {
  system: 'icd10pcs',
  async compile(group: ReleaseGroup, ctx: CompileContext): Promise<CompiledOutput> {
    const notes: string[] = [];
    const tablesSrc = single(group, 'icd10pcs.tables', 'code tables file');
    const defsSrc = single(group, 'icd10pcs.definitions', 'definitions file');
    const orderSrc = single(group, 'icd10pcs.order', 'order file');
    if (!tablesSrc) {
      throw new MedcoderError(
        'IMPORT_FAILED',
        `${group.id}: no ICD-10-PCS code tables XML (icd10pcs_tables_${group.key.year}.xml) for ${group.sources.map((s) => s.entry.path).join(', ')}; the tables are needed to check codes`,
      );
    }

    let step = ctx.progress.step(`reading ${tablesSrc.entry.path}`, tablesSrc.entry.size);
    const tables = await parsePcsTables(tablesSrc.entry, step);
    step.done(`${tables.tables.length} tables`);
    if (tables.version !== group.key.year) notes.push(`the code tables say version ${tables.version}; the release is FY${group.key.year}`);

    let definitions: PcsDefinitionsData | undefined;
    if (defsSrc) {
      step = ctx.progress.step(`reading ${defsSrc.entry.path}`, defsSrc.entry.size);
      definitions = await parsePcsDefinitions(defsSrc.entry, step);
      step.done(`${definitions.sections.length} sections`);
      if (definitions.version !== tables.version) notes.push(`the definitions file is version ${definitions.version}, the code tables ${tables.version}`);
    } else {
      notes.push('no definitions file: only the operation definitions printed in the tables are available');
    }

    const { tables: compiledTables, terms } = compileTables(tables, definitions, notes);
    const compiled: PcsCompiled = { version: tables.version, tables: compiledTables, terms, codes: [], titles: [], short: [], aggregates: definitions?.aggregates ?? [] };
    const index = new PcsTableIndex(compiledTables, terms);

    let orderCounts: Record<string, number> = {};
    if (orderSrc) {
      const rows = await readOrderFile(orderSrc.entry);
      orderCounts = applyOrder(rows, compiled, index, notes);
    } else {
      // Without an order file the tables alone say which codes exist; titles are built from the axes.
      const codes = [...index.allCodes()].sort();
      compiled.codes = codes;
      compiled.titles = codes.map(() => '');
      compiled.short = codes.map(() => '');
      orderCounts = { tableCodes: codes.length };
      notes.push('no order file: valid codes come from the tables and titles are built from the axis labels');
    }

    let rowCount = 0;
    let values = 0;
    let valuesWithTerms = 0;
    for (const t of compiledTables) {
      rowCount += t.r.length;
      for (const r of t.r) {
        for (const axis of r.v) values += axis.length;
        if (r.t) for (const axis of r.t) for (const i of axis) if (i >= 0) valuesWithTerms++;
      }
    }
    return {
      files: { [PCS_DATA_FILE]: compiled, [VALID_CODES_FILE]: compiled.codes },
      counts: {
        tables: compiledTables.length,
        rows: rowCount,
        codes: compiled.codes.length,
        ...orderCounts,
        rowValues: values,
        rowValuesWithDefinitions: valuesWithTerms,
        definitionTerms: terms.length,
        deviceAggregates: compiled.aggregates.length,
      },
      notes,
    };
  },
};
