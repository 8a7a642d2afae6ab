import type { ProgressStep } from '../progress.js';
import type { SourceEntry } from '../sources/entry.js';
import { clean, streamXml, type XmlElement } from '../util/xml.js';
import { MedcoderError } from '../errors.js';

/** One axis as the tables XML writes it: position, title and its values in file order. */
export interface PcsAxis {
  pos: number;
  title: string;
  /** [value character, label] pairs. */
  labels: Array<[string, string]>;
  /** Only the operation axis of a table carries one. */
  definition?: string;
}

/** A `<pcsRow>`: axes 4 to 7 and the number of codes it claims to make. */
export interface PcsTableRow {
  axes: PcsAxis[];
  codes: number;
}

/** A `<pcsTable>`: axes 1 to 3 (one value each) and its rows. */
export interface PcsTableSource {
  axes: PcsAxis[];
  rows: PcsTableRow[];
}

export interface PcsTablesData {
  version: number;
  title: string;
  tables: PcsTableSource[];
}

/**
 * Stream the ICD-10-PCS code tables XML (root `ICD10PCS.tabular`). Checks
 * the structure as it goes: every table has axes 1-3 with one value each,
 * every row axes 4-7, and each row's `codes` attribute equals the product
 * of its axes' value counts.
 */
export async function parsePcsTables(entry: SourceEntry, step?: ProgressStep): Promise<PcsTablesData> {
  const data: PcsTablesData = { version: 0, title: '', tables: [] };
  let table: PcsTableSource | undefined;
  let row: PcsTableRow | undefined;
  let axis: PcsAxis | undefined;
  const malformed = (message: string, details: Record<string, unknown> = {}) =>
    new MedcoderError('SOURCE_MALFORMED', `${entry.path}: ${message}`, { file: entry.path, ...details });
  const where = () => {
    const key = table?.axes.map((a) => a.labels[0]?.[0] ?? '?').join('') ?? '';
    return key ? ` (table ${key}${row ? `, row ${(table?.rows.length ?? 0) + 1}` : ''})` : '';
  };

  await streamXml(
    entry,
    {
      open(el) {
        switch (el.name) {
          case 'pcsTable':
            table = { axes: [], rows: [] };
            break;
          case 'pcsRow':
            if (!table) throw malformed('<pcsRow> outside a <pcsTable>');
            row = { axes: [], codes: Number(el.attrs.codes ?? NaN) };
            break;
          case 'axis': {
            const pos = Number(el.attrs.pos);
            if (!Number.isInteger(pos) || pos < 1 || pos > 7) throw malformed(`<axis> with pos "${el.attrs.pos ?? ''}"${where()}`);
            axis = { pos, title: '', labels: [] };
            break;
          }
        }
      },
      close(el: XmlElement, stack: readonly XmlElement[]) {
        const parent = stack[stack.length - 2]?.name;
        switch (el.name) {
          case 'version':
            if (parent === 'ICD10PCS.tabular') data.version = Number(clean(el.text));
            return;
          case 'title':
            if (parent === 'axis' && axis) axis.title = clean(el.text);
            else if (parent === 'ICD10PCS.tabular') data.title = clean(el.text);
            return;
          case 'label': {
            if (!axis) return;
            const code = (el.attrs.code ?? '').trim().toUpperCase();
            if (code.length !== 1) throw malformed(`a <label> without a one-character code${where()}`);
            axis.labels.push([code, clean(el.text)]);
            return;
          }
          case 'definition':
            if (parent === 'axis' && axis) axis.definition = clean(el.text);
            return;
          case 'axis': {
            if (!axis) return;
            if (axis.labels.length === 0) throw malformed(`axis ${axis.pos} has no values${where()}`);
            if (row) row.axes.push(axis);
            else if (table) table.axes.push(axis);
            axis = undefined;
            return;
          }
          case 'pcsRow': {
            if (!table || !row) return;
            const positions = row.axes.map((a) => a.pos).join(',');
            if (positions !== '4,5,6,7') throw malformed(`a row has axes ${positions}, expected 4,5,6,7${where()}`);
            const product = row.axes.reduce((n, a) => n * a.labels.length, 1);
            if (Number.isFinite(row.codes) && row.codes !== product) {
              throw malformed(`a row says it makes ${row.codes} codes but its axes make ${product}${where()}`);
            }
            row.codes = product;
            table.rows.push(row);
            row = undefined;
            return;
          }
          case 'pcsTable': {
            if (!table) return;
            const positions = table.axes.map((a) => a.pos).join(',');
            if (positions !== '1,2,3' || table.axes.some((a) => a.labels.length !== 1)) {
              throw malformed(`a table needs axes 1,2,3 with one value each; found ${positions}${where()}`);
            }
            if (table.rows.length === 0) throw malformed(`a table without rows${where()}`);
            data.tables.push(table);
            table = undefined;
            return;
          }
        }
      },
    },
    step,
  );
  if (!data.version) throw malformed('no <version> in the code tables');
  return data;
}
