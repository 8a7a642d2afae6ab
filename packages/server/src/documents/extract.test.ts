import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeOcr, ExtractError, extractText, mimeFromName } from './extract.js';
import { imagePdf, textImage, textPdf } from '../testing/pdf.js';

after(() => closeOcr());

test('plain text keeps its characters; CRLF becomes LF; binary is refused', async () => {
  const r = await extractText('Assessment:\r\nEssential hypertension.', 'text/plain');
  assert.equal(r.text, 'Assessment:\nEssential hypertension.');
  assert.equal(r.source, 'text');
  await assert.rejects(extractText(Buffer.from([0x41, 0, 0x42]), 'text/plain'), ExtractError);
  assert.equal(mimeFromName('scan.JPG'), 'image/jpeg');
});

test('a PDF with a text layer is read with pdfjs-dist', async () => {
  const r = await extractText(textPdf(['DISCHARGE SUMMARY', 'Principal diagnosis: Pneumonia, right lower lobe.']), 'application/pdf');
  assert.equal(r.source, 'pdf-text');
  assert.match(r.text, /DISCHARGE SUMMARY/);
  assert.match(r.text, /Pneumonia, right lower lobe\./);
});

test('a scanned image is recognised offline with tesseract.js and the packaged English data', async () => {
  const img = await textImage(['Assessment: Essential hypertension.', 'Type 2 diabetes mellitus.']);
  const r = await extractText(img.data, 'image/png');
  assert.equal(r.source, 'ocr');
  assert.match(r.text, /Essential hypertension/);
  assert.match(r.text, /Type 2 diabetes mellitus/);
  assert.ok((r.ocrConfidence ?? 0) > 70);
});

test('an image-only PDF is rendered and recognised', async () => {
  const img = await textImage(['Chronic kidney disease, stage 3a'], 'image/jpeg');
  const r = await extractText(imagePdf(img.data, img.width, img.height), 'application/pdf');
  assert.equal(r.source, 'ocr');
  assert.equal(r.kind, 'pdf');
  assert.match(r.text, /Chronic kidney disease/);
});

test('unsupported types are refused with a reason', async () => {
  await assert.rejects(extractText(Buffer.from('x'), 'application/zip'), /unsupported document type/);
});
