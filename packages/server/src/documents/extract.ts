/**
 * Text out of what coders receive: plain text, PDFs with a text layer
 * (pdfjs-dist), and scanned images or image-only PDFs (OCR with tesseract.js
 * and the English data shipped by @tesseract.js-data/eng: nothing is fetched
 * at run time).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';


const require = createRequire(import.meta.url);

export interface ExtractedText {
  text: string;
  /** text | pdf-text | ocr */
  source: 'text' | 'pdf-text' | 'ocr';
  kind: 'note' | 'pdf' | 'image';
  mime: string;
  ocrConfidence: number | null;
}

export class ExtractError extends Error {
  constructor(message: string, readonly field = 'documents') {
    super(message);
  }
}

export function mimeFromName(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return (
    { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', tif: 'image/tiff', tiff: 'image/tiff', bmp: 'image/bmp', txt: 'text/plain', text: 'text/plain', md: 'text/plain' } as Record<string, string>
  )[ext] ?? 'text/plain';
}

export async function extractText(content: Buffer | string, mime: string): Promise<ExtractedText> {
  if (typeof content === 'string' || mime.startsWith('text/')) {
    const text = (typeof content === 'string' ? content : content.toString('utf8')).replace(/\r\n?/g, '\n');
    if (/\u0000/.test(text)) throw new ExtractError(`the ${mime} document contains binary data`);
    return { text, source: 'text', kind: 'note', mime: 'text/plain', ocrConfidence: null };
  }
  if (mime === 'application/pdf') return extractPdf(content);
  if (mime.startsWith('image/')) {
    const r = await ocr([content]);
    return { text: r.text, source: 'ocr', kind: 'image', mime, ocrConfidence: r.confidence };
  }
  throw new ExtractError(`unsupported document type ${mime} (text/plain, application/pdf, image/png, image/jpeg, image/tiff)`);
}

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;
const pdfDir = () => dirname(require.resolve('pdfjs-dist/package.json'));

async function extractPdf(bytes: Buffer): Promise<ExtractedText> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  const lib = await pdfjs;
  const doc = await lib.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: `${join(pdfDir(), 'standard_fonts')}/`,
    cMapUrl: `${join(pdfDir(), 'cmaps')}/`,
    cMapPacked: true,
    isEvalSupported: false,
    verbosity: 0,
  }).promise;
  try {
    const pages: string[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      let line = '';
      const lines: string[] = [];
      for (const item of content.items) {
        if (!('str' in item)) continue;
        line += item.str;
        if (item.hasEOL) {
          lines.push(line);
          line = '';
        }
      }
      if (line) lines.push(line);
      pages.push(lines.join('\n'));
    }
    const text = pages.join('\n\n').trim();
    if (text.replace(/\s/g, '').length >= 3) return { text, source: 'pdf-text', kind: 'pdf', mime: 'application/pdf', ocrConfidence: null };
    // image-only PDF: render each page and recognise it
    const { createCanvas } = await import('@napi-rs/canvas');
    const images: Buffer[] = [];
    for (let i = 1; i <= doc.numPages; i++) {
      const page = await doc.getPage(i);
      const viewport = page.getViewport({ scale: 2 });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      await page.render({ canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport, canvas: canvas as unknown as HTMLCanvasElement }).promise;
      images.push(canvas.toBuffer('image/png'));
    }
    const r = await ocr(images);
    return { text: r.text, source: 'ocr', kind: 'pdf', mime: 'application/pdf', ocrConfidence: r.confidence };
  } finally {
    await doc.destroy();
  }
}

type TesseractWorker = Awaited<ReturnType<typeof import('tesseract.js')['createWorker']>>;
let worker: Promise<TesseractWorker> | undefined;
let queue: Promise<unknown> = Promise.resolve();

async function ocr(images: Buffer[]): Promise<{ text: string; confidence: number }> {
  const run = async () => {
    worker ??= (async () => {
      const { createWorker } = await import('tesseract.js');
      const langPath = (require('@tesseract.js-data/eng') as { langPath: string }).langPath;
      return createWorker('eng', 1, { langPath, gzip: true, cacheMethod: 'none' });
    })();
    const w = await worker;
    const texts: string[] = [];
    let conf = 0;
    for (const img of images) {
      const r = await w.recognize(img);
      texts.push(r.data.text.trim());
      conf += r.data.confidence;
    }
    return { text: texts.join('\n\n'), confidence: images.length ? conf / images.length : 0 };
  };
  const p = queue.then(run, run);
  queue = p.catch(() => undefined);
  return p;
}

/** Stop the OCR worker (tests, shutdown). */
export async function closeOcr(): Promise<void> {
  if (worker) {
    const w = await worker.catch(() => undefined);
    worker = undefined;
    await w?.terminate();
  }
}

