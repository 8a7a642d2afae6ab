import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { MedcoderError } from '../errors.js';
import type { SourceEntry } from '../sources/entry.js';
import type { ProgressStep } from '../progress.js';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  /** Text directly inside this element (not inside its children), in order. */
  text: string;
  /** Text of this element and its descendants, in document order; kept only for names in `fullTextOf`. */
  fullText: string;
}

export interface XmlHandlers {
  /** Element names whose `fullText` (descendants' text included) is wanted. */
  fullTextOf?: ReadonlySet<string>;
  /** An element opens; `stack` holds the open ancestors, outermost first (the element itself last). */
  open?(el: XmlElement, stack: readonly XmlElement[]): void;
  /** An element closes with its text; `stack` still ends with the element. */
  close?(el: XmlElement, stack: readonly XmlElement[]): void;
}

/**
 * Stream an XML file through saxes, calling handlers on element open and
 * close. Malformed or truncated XML raises SOURCE_MALFORMED naming the file,
 * line, column and the element being read.
 */
export async function streamXml(entry: SourceEntry, handlers: XmlHandlers, step?: ProgressStep): Promise<void> {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: XmlElement[] = [];
  const wantFull = handlers.fullTextOf ?? new Set<string>();
  // Open elements whose fullText is being collected.
  const collecting: XmlElement[] = [];
  let failure: MedcoderError | undefined;
  const fail = (message: string) => {
    if (failure) return;
    const el = stack[stack.length - 1]?.name;
    failure = new MedcoderError(
      'SOURCE_MALFORMED',
      `${entry.path}: line ${parser.line}, column ${parser.column}${el ? `, in <${el}>` : ''}: ${message}`,
      { file: entry.path, line: parser.line, column: parser.column, ...(el ? { element: el } : {}) },
    );
  };
  parser.on('error', (e) => fail(e.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '')));
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const el: XmlElement = { name: tag.name, attrs: tag.attributes as Record<string, string>, text: '', fullText: '' };
    stack.push(el);
    if (wantFull.has(el.name)) collecting.push(el);
    handlers.open?.(el, stack);
  });
  parser.on('text', (t: string) => {
    const el = stack[stack.length - 1];
    if (el) el.text += t;
    for (const s of collecting) s.fullText += t;
  });
  parser.on('cdata', (t: string) => {
    const el = stack[stack.length - 1];
    if (el) el.text += t;
    for (const s of collecting) s.fullText += t;
  });
  parser.on('closetag', () => {
    const el = stack[stack.length - 1];
    if (el) handlers.close?.(el, stack);
    stack.pop();
    if (el && collecting[collecting.length - 1] === el) collecting.pop();
  });
  const stream = await entry.open();
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of stream) {
      parser.write(decoder.decode(chunk as Buffer, { stream: true }));
      step?.advance((chunk as Buffer).length);
      if (failure) break;
    }
    if (!failure) {
      parser.write(decoder.decode());
      parser.close();
    }
  } catch (e) {
    if (e instanceof MedcoderError) throw e;
    fail((e as Error).message);
  } finally {
    stream.destroy();
  }
  if (!failure && stack.length > 0) fail(`document ends inside <${stack[stack.length - 1]!.name}>`);
  if (failure) throw failure;
}

/** Collapse runs of white space (the release files indent text inside elements). */
export function clean(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
