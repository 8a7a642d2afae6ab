/** Minimal PDFs for tests: one with a text layer, one with only a scanned (JPEG) image. */

function assemble(objects: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n')];
  const offsets: number[] = [];
  let len = parts[0]!.length;
  objects.forEach((o, i) => {
    offsets.push(len);
    const head = Buffer.from(`${i + 1} 0 obj\n`);
    const body = typeof o === 'string' ? Buffer.from(o) : o;
    const tail = Buffer.from('\nendobj\n');
    parts.push(head, body, tail);
    len += head.length + body.length + tail.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${len}\n%%EOF\n`));
  return Buffer.concat(parts);
}

const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);

export function textPdf(lines: string[]): Buffer {
  const content = ['BT', '/F1 12 Tf', '14 TL', '72 720 Td', ...lines.map((l) => `(${esc(l)}) Tj T*`), 'ET'].join('\n');
  return assemble([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]);
}

export function imagePdf(jpeg: Buffer, width: number, height: number): Buffer {
  const content = `q ${width / 2} 0 0 ${height / 2} 36 ${792 - 36 - height / 2} cm /Im1 Do Q`;
  return assemble([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
    Buffer.concat([Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${jpeg.length} >>\nstream\n`), jpeg, Buffer.from('\nendstream')]),
  ]);
}

/** A white image with black text lines (PNG or JPEG), as a scanner would give. */
export async function textImage(lines: string[], type: 'image/png' | 'image/jpeg' = 'image/png'): Promise<{ data: Buffer; width: number; height: number }> {
  const { createCanvas } = await import('@napi-rs/canvas');
  const width = 1000;
  const height = 60 + lines.length * 50;
  const c = createCanvas(width, height);
  const ctx = c.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = '30px sans-serif';
  lines.forEach((l, i) => ctx.fillText(l, 30, 60 + i * 50));
  return { data: type === 'image/png' ? c.toBuffer('image/png') : c.toBuffer('image/jpeg', 95), width, height };
}
