/**
 * The CMS-1500 (02/12) professional claim form as a PDF: medcoder draws the
 * form itself (lines, box numbers and labels in the form's red) and places
 * the claim's data in each box in black Courier, as a print-and-mail claim
 * or a human-readable copy of an 837P. Six service lines fit on a page; a
 * claim with more lines continues on more pages, each totalling its own
 * lines (NUCC instructions).
 */
import type PDFKitDocument from 'pdfkit';
import type { Claim, Provider } from '../claims/model.js';
import { MedcoderError } from '../errors.js';

const RED = '#c8102e';
const SHADE = '#fbe3e6';
const LABEL_FONT = 'Helvetica';
const LABEL_BOLD = 'Helvetica-Bold';
const DATA_FONT = 'Courier';
const DATA_SIZE = 9;

const LEFT = 18;
const RIGHT = 594;
const MID = 372; // left edge of the insured's column (boxes 1a, 4, 7, 11 …)
const COL2 = 228; // left edge of the middle column (boxes 3, 6, 8, 10 …)

export interface Cms1500Options {
  /** Date printed beside the physician's signature (box 31); today when not given. */
  signedOn?: string;
}

type Doc = PDFKit.PDFDocument;

function mdy(iso: string | undefined, yearDigits: 2 | 4 = 2): string {
  if (!iso) return '';
  const [y, m, d] = iso.split('-');
  return `${m} ${d} ${yearDigits === 2 ? y!.slice(2) : y}`;
}

function personName(n: { last: string; first?: string; middle?: string; suffix?: string } | undefined): string {
  if (!n) return '';
  return [`${n.last}${n.suffix ? ` ${n.suffix}` : ''}`, n.first ?? '', (n.middle ?? '').slice(0, 1)].filter((x, i) => x || i === 0).join(', ').toUpperCase();
}

function providerName(p: Provider | undefined): string {
  if (!p) return '';
  if (p.entity === 'organization') return (p.organizationName ?? '').toUpperCase();
  const n = p.name;
  return n ? [n.first, n.middle?.slice(0, 1), n.last, n.suffix].filter(Boolean).join(' ').toUpperCase() : '';
}

function money(n: number | undefined): [string, string] {
  if (n === undefined) return ['', ''];
  const [d, c] = n.toFixed(2).split('.');
  return [d!, c!];
}

function zip(z: string | undefined): string {
  if (!z) return '';
  const digits = z.replace(/\D/g, '');
  return digits.length === 9 ? `${digits.slice(0, 5)}-${digits.slice(5)}` : digits;
}

function phone(p: string | undefined): [string, string] {
  const d = (p ?? '').replace(/\D/g, '');
  return d.length === 10 ? [d.slice(0, 3), `${d.slice(3, 6)}-${d.slice(6)}`] : ['', d];
}

/** Insurance program of box 1 from the claim filing indicator (SBR09). */
function program(filing: string | undefined): number {
  switch (filing) {
    case 'MA':
    case 'MB':
      return 0; // Medicare
    case 'MC':
      return 1; // Medicaid
    case 'CH':
      return 2; // TRICARE
    case 'VA':
      return 3; // CHAMPVA
    case 'FI':
      return 5; // FECA black lung
    case undefined:
    case '':
      return -1;
    default:
      return ['CI', 'BL', 'HM', 'HN', 'PO', 'PR', '12', '13', '14', '15', '16', 'ZZ'].includes(filing) ? 4 : 6;
  }
}

class Form {
  constructor(private readonly doc: Doc) {}

  line(x1: number, y1: number, x2: number, y2: number, width = 0.6): void {
    this.doc.save().lineWidth(width).strokeColor(RED).moveTo(x1, y1).lineTo(x2, y2).stroke().restore();
  }

  rect(x: number, y: number, w: number, h: number, width = 0.6): void {
    this.doc.save().lineWidth(width).strokeColor(RED).rect(x, y, w, h).stroke().restore();
  }

  shade(x: number, y: number, w: number, h: number): void {
    this.doc.save().fillColor(SHADE).rect(x, y, w, h).fill().restore();
  }

  /** A box label: number in bold, then the caption, at the top left of the box. */
  label(x: number, y: number, num: string, caption: string, size = 5.2): void {
    const d = this.doc;
    d.fillColor(RED).font(LABEL_BOLD).fontSize(size).text(num, x + 1.5, y + 1.5, { lineBreak: false });
    const nw = num ? d.widthOfString(num) + 2 : 0;
    d.font(LABEL_FONT).fontSize(size).text(caption, x + 1.5 + nw, y + 1.5, { lineBreak: false });
  }

  /** Small text in the form's red (column captions, check box captions). */
  note(text: string, x: number, y: number, size = 5, width?: number, align: 'left' | 'center' | 'right' = 'left'): void {
    this.doc.fillColor(RED).font(LABEL_FONT).fontSize(size).text(text, x, y, { lineBreak: false, ...(width ? { width, align } : {}) });
  }

  /** Data in black Courier, cut to fit the width (never running into the next box). */
  data(text: string | undefined, x: number, y: number, width: number, align: 'left' | 'right' | 'center' = 'left', size = DATA_SIZE): void {
    if (!text) return;
    const d = this.doc.fillColor('black').font(DATA_FONT).fontSize(size);
    let t = text;
    while (t.length > 1 && d.widthOfString(t) > width) t = t.slice(0, -1);
    d.text(t, x, y, { lineBreak: false, width, align });
  }

  check(x: number, y: number, checked: boolean, caption?: string): void {
    this.rect(x, y, 6.5, 6.5, 0.5);
    if (checked) this.doc.fillColor('black').font(DATA_FONT).fontSize(9).text('X', x + 0.6, y - 0.8, { lineBreak: false });
    if (caption) this.note(caption, x + 9, y + 1);
  }
}

/** Box 1 programs: caption and where its check box stands. */
const PROGRAMS: [string, number][] = [['MEDICARE', 30], ['MEDICAID', 80], ['TRICARE', 128], ['CHAMPVA', 172], ['GROUP HEALTH PLAN', 212], ['FECA BLK LUNG', 278], ['OTHER', 334]];

const LINE_TOP = 498;
const LINE_H = 24;
const LINES_PER_PAGE = 6;
/** Bottom of the form; the NPI row of boxes 32 and 33 sits just above it. */
const BOTTOM = 744;
const NPI_ROW = BOTTOM - 16;

/** Where each column of box 24 starts (A from, A to, B, C, D code, D modifiers, E, F, G, H, I, J). */
const COL24 = { from: LEFT, to: 88, pos: 158, emg: 180, code: 200, mods: 250, ptr: 330, charge: 376, units: 446, epsdt: 476, qual: 496, npi: 516 };

function drawForm(f: Form, doc: Doc): void {
  // Title and carrier block.
  doc.fillColor(RED).font(LABEL_BOLD).fontSize(13).text('HEALTH INSURANCE CLAIM FORM', LEFT, 46, { lineBreak: false });
  f.note('APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12', LEFT, 62, 5.5);
  f.note('PICA', LEFT + 2, 74, 5);
  f.note('PICA', RIGHT - 20, 74, 5);
  f.line(MID, 16, MID, 70, 0.4);
  
  const side = (text: string, cy: number) =>
    doc.save().rotate(90, { origin: [RIGHT + 9, cy] }).fillColor(RED).font(LABEL_BOLD).fontSize(5.5)
      .text(text, RIGHT + 9 - 60, cy - 3, { lineBreak: false, width: 120, align: 'center' }).restore();
  side('PATIENT AND INSURED INFORMATION', 280);
  side('PHYSICIAN OR SUPPLIER INFORMATION', 610);

  const top = 82;
  f.rect(LEFT, top, RIGHT - LEFT, BOTTOM - top, 1);

  // Row 1: box 1, 1a.
  let y = top;
  f.line(LEFT, y + 24, RIGHT, y + 24);
  f.line(MID, y, MID, y + 24);
  f.label(LEFT, y, '1.', '');
  PROGRAMS.forEach(([caption, x]) => f.note(caption, x, y + 2, 5));
  f.label(MID, y, '1a.', "INSURED'S I.D. NUMBER                    (For Program in Item 1)");

  // Rows 2-5: patient and insured.
  y += 24;
  for (let i = 0; i < 4; i++) f.line(LEFT, y + 24 * (i + 1), RIGHT, y + 24 * (i + 1));
  f.line(COL2, y, COL2, y + 96);
  f.line(MID, y, MID, y + 96);
  f.label(LEFT, y, '2.', "PATIENT'S NAME (Last Name, First Name, Middle Initial)");
  f.label(COL2, y, '3.', "PATIENT'S BIRTH DATE            SEX");
  f.label(MID, y, '4.', "INSURED'S NAME (Last Name, First Name, Middle Initial)");
  f.label(LEFT, y + 24, '5.', "PATIENT'S ADDRESS (No., Street)");
  f.label(COL2, y + 24, '6.', 'PATIENT RELATIONSHIP TO INSURED');
  f.label(MID, y + 24, '7.', "INSURED'S ADDRESS (No., Street)");
  f.label(LEFT, y + 48, '', 'CITY');
  f.line(190, y + 48, 190, y + 96);
  f.label(190, y + 48, '', 'STATE');
  f.label(COL2, y + 48, '8.', 'RESERVED FOR NUCC USE');
  f.label(MID, y + 48, '', 'CITY');
  f.line(550, y + 48, 550, y + 72);
  f.label(550, y + 48, '', 'STATE');
  f.label(LEFT, y + 72, '', 'ZIP CODE');
  f.label(105, y + 72, '', 'TELEPHONE (Include Area Code)');
  f.label(MID, y + 72, '', 'ZIP CODE');
  f.label(460, y + 72, '', 'TELEPHONE (Include Area Code)');
  f.line(COL2, y + 72, MID, y + 72, 0.3);

  // Rows 9-11.
  y += 96;
  for (let i = 0; i < 5; i++) f.line(LEFT, y + 24 * (i + 1), i === 4 ? RIGHT : COL2, y + 24 * (i + 1));
  for (let i = 0; i < 4; i++) f.line(MID, y + 24 * (i + 1), RIGHT, y + 24 * (i + 1));
  f.line(COL2, y, COL2, y + 120);
  f.line(MID, y, MID, y + 120);
  f.label(LEFT, y, '9.', "OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)");
  f.label(LEFT, y + 24, 'a.', "OTHER INSURED'S POLICY OR GROUP NUMBER");
  f.label(LEFT, y + 48, 'b.', 'RESERVED FOR NUCC USE');
  f.label(LEFT, y + 72, 'c.', 'RESERVED FOR NUCC USE');
  f.label(LEFT, y + 96, 'd.', 'INSURANCE PLAN NAME OR PROGRAM NAME');
  f.label(COL2, y, '10.', "IS PATIENT'S CONDITION RELATED TO:");
  f.note('a. EMPLOYMENT? (Current or Previous)', COL2 + 2, y + 22);
  f.note('b. AUTO ACCIDENT?', COL2 + 2, y + 46);
  f.note('PLACE (State)', COL2 + 104, y + 46, 4.5);
  f.note('c. OTHER ACCIDENT?', COL2 + 2, y + 70);
  f.line(COL2, y + 96, MID, y + 96);
  f.label(COL2, y + 96, '10d.', 'CLAIM CODES (Designated by NUCC)');
  f.label(MID, y, '11.', "INSURED'S POLICY GROUP OR FECA NUMBER");
  f.label(MID, y + 24, 'a.', "INSURED'S DATE OF BIRTH                       SEX");
  f.label(MID, y + 48, 'b.', 'OTHER CLAIM ID (Designated by NUCC)');
  f.label(MID, y + 72, 'c.', 'INSURANCE PLAN NAME OR PROGRAM NAME');
  f.label(MID, y + 96, 'd.', 'IS THERE ANOTHER HEALTH BENEFIT PLAN?');

  // Rows 12-13: signatures.
  y += 120;
  f.line(LEFT, y + 30, RIGHT, y + 30);
  f.line(MID, y, MID, y + 30);
  f.label(LEFT, y, '12.', "PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE  I authorize the release of any medical or other information");
  f.note('necessary to process this claim. I also request payment of government benefits to myself or to the party who accepts assignment.', LEFT + 2, y + 8, 4.3);
  f.note('SIGNED', LEFT + 2, y + 22);
  f.note('DATE', 270, y + 22);
  f.label(MID, y, '13.', "INSURED'S OR AUTHORIZED PERSON'S SIGNATURE  I authorize");
  f.note('payment of medical benefits to the undersigned physician or supplier for services described below.', MID + 2, y + 8, 4.3);
  f.note('SIGNED', MID + 2, y + 22);

  // Rows 14-23.
  y += 30;
  f.line(LEFT, y + 24, RIGHT, y + 24);
  f.line(LEFT, y + 48, RIGHT, y + 48);
  f.line(LEFT, y + 72, RIGHT, y + 72);
  f.line(COL2, y, COL2, y + 48);
  f.line(MID, y, MID, y + 120);
  f.label(LEFT, y, '14.', 'DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)');
  f.note('QUAL.', 120, y + 13);
  f.label(COL2, y, '15.', 'OTHER DATE');
  f.note('QUAL.', COL2 + 2, y + 13);
  f.label(MID, y, '16.', 'DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION');
  f.note('FROM', MID + 2, y + 13);
  f.note('TO', MID + 112, y + 13);
  f.label(LEFT, y + 24, '17.', 'NAME OF REFERRING PROVIDER OR OTHER SOURCE');
  f.label(COL2, y + 24, '17a.', '');
  f.line(COL2, y + 36, MID, y + 36, 0.3);
  f.label(COL2, y + 36, '17b.', 'NPI');
  f.label(MID, y + 24, '18.', 'HOSPITALIZATION DATES RELATED TO CURRENT SERVICES');
  f.note('FROM', MID + 2, y + 37);
  f.note('TO', MID + 112, y + 37);
  f.label(LEFT, y + 48, '19.', 'ADDITIONAL CLAIM INFORMATION (Designated by NUCC)');
  f.label(MID, y + 48, '20.', 'OUTSIDE LAB?                    $ CHARGES');
  f.label(LEFT, y + 72, '21.', 'DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service line below (24E)');
  f.note('ICD Ind.', 300, y + 74);
  f.line(MID, y + 96, RIGHT, y + 96);
  f.label(MID, y + 72, '22.', 'RESUBMISSION CODE          ORIGINAL REF. NO.');
  f.label(MID, y + 96, '23.', 'PRIOR AUTHORIZATION NUMBER');
  'ABCDEFGHIJKL'.split('').forEach((letter, i) => {
    const cx = LEFT + 4 + (i % 4) * 88;
    const cy = y + 84 + Math.floor(i / 4) * 12;
    f.note(`${letter}.`, cx, cy + 1.5, 5.5);
    f.line(cx + 8, cy + 9, cx + 78, cy + 9, 0.3);
  });

  // Box 24.
  y += 120;
  f.line(LEFT, y, RIGHT, y, 1);
  f.label(LEFT, y, '24.', 'A.          DATE(S) OF SERVICE');
  f.note('From', LEFT + 14, y + 9);
  f.note('To', COL24.to + 24, y + 9);
  f.note('MM   DD   YY', LEFT + 6, y + 17, 4.5);
  f.note('MM   DD   YY', COL24.to + 6, y + 17, 4.5);
  f.note('B.', COL24.pos + 2, y + 2);
  f.note('PLACE OF', COL24.pos + 1, y + 10, 3.6);
  f.note('SERVICE', COL24.pos + 1, y + 15, 3.6);
  f.note('C.', COL24.emg + 2, y + 2);
  f.note('EMG', COL24.emg + 3, y + 15, 4.5);
  f.note('D. PROCEDURES, SERVICES, OR SUPPLIES', COL24.code + 2, y + 2, 4.8);
  f.note('(Explain Unusual Circumstances)', COL24.code + 2, y + 8, 4.5);
  f.note('CPT/HCPCS', COL24.code + 2, y + 16, 4.5);
  f.note('MODIFIER', COL24.mods + 18, y + 16, 4.5);
  f.note('E.', COL24.ptr + 2, y + 2);
  f.note('DIAGNOSIS', COL24.ptr + 2, y + 10, 4.2);
  f.note('POINTER', COL24.ptr + 2, y + 15, 4.2);
  f.note('F.', COL24.charge + 2, y + 2);
  f.note('$ CHARGES', COL24.charge + 14, y + 12, 4.8);
  f.note('G.', COL24.units + 2, y + 2);
  f.note('DAYS OR', COL24.units + 1, y + 10, 3.8);
  f.note('UNITS', COL24.units + 1, y + 15, 3.8);
  f.note('H.', COL24.epsdt + 2, y + 2);
  f.note('EPSDT', COL24.epsdt + 1, y + 10, 3.6);
  f.note('Family', COL24.epsdt + 1, y + 15, 3.6);
  f.note('I.', COL24.qual + 2, y + 2);
  f.note('ID.', COL24.qual + 3, y + 10, 4.2);
  f.note('QUAL.', COL24.qual + 1, y + 15, 4.2);
  f.note('J.', COL24.npi + 2, y + 2);
  f.note('RENDERING', COL24.npi + 18, y + 8, 4.8);
  f.note('PROVIDER ID. #', COL24.npi + 14, y + 14, 4.8);
  for (let i = 0; i < LINES_PER_PAGE; i++) {
    const ly = LINE_TOP + i * LINE_H;
    f.shade(LEFT + 0.5, ly + 0.5, RIGHT - LEFT - 1, LINE_H / 2 - 0.5);
    f.line(LEFT, ly, RIGHT, ly, i === 0 ? 0.8 : 0.6);
    f.line(COL24.qual, ly + LINE_H / 2, RIGHT, ly + LINE_H / 2, 0.3);
    f.note(String(i + 1), LEFT - 8, ly + 14, 7);
    f.note('NPI', COL24.qual + 4, ly + LINE_H / 2 + 4, 5);
  }
  const linesBottom = LINE_TOP + LINES_PER_PAGE * LINE_H;
  for (const x of [COL24.to, COL24.pos, COL24.emg, COL24.code, COL24.ptr, COL24.charge, COL24.units, COL24.epsdt, COL24.qual, COL24.npi]) {
    f.line(x, y + 6, x, linesBottom, 0.5);
  }
  // Inside column D the code/modifier lines start below its caption.
  f.line(COL24.mods, y + 15, COL24.mods, linesBottom, 0.5);
  for (const x of [COL24.mods + 20, COL24.mods + 40, COL24.mods + 60]) f.line(x, y + 22, x, linesBottom, 0.3);
  f.line(COL24.charge + 50, y + 22, COL24.charge + 50, linesBottom, 0.3);

  // Rows 25-33.
  y = linesBottom;
  f.line(LEFT, y, RIGHT, y, 1);
  f.line(LEFT, y + 24, RIGHT, y + 24);
  f.label(LEFT, y, '25.', 'FEDERAL TAX I.D. NUMBER      SSN  EIN');
  f.line(170, y, 170, y + 24);
  f.label(170, y, '26.', "PATIENT'S ACCOUNT NO.");
  f.line(290, y, 290, y + 24);
  f.label(290, y, '27.', 'ACCEPT ASSIGNMENT?');
  f.line(MID, y, MID, y + 24);
  f.label(MID, y, '28.', 'TOTAL CHARGE');
  f.line(450, y, 450, y + 24);
  f.label(450, y, '29.', 'AMOUNT PAID');
  f.line(525, y, 525, y + 24);
  f.label(525, y, '30.', 'Rsvd for NUCC Use');
  y += 24;
  f.line(170, y, 170, BOTTOM);
  f.line(MID, y, MID, BOTTOM);
  f.label(LEFT, y, '31.', 'SIGNATURE OF PHYSICIAN OR SUPPLIER');
  f.note('INCLUDING DEGREES OR CREDENTIALS', LEFT + 2, y + 8, 4.5);
  f.note('SIGNED', LEFT + 2, NPI_ROW + 8);
  f.note('DATE', 100, NPI_ROW + 8);
  f.label(170, y, '32.', 'SERVICE FACILITY LOCATION INFORMATION');
  f.label(MID, y, '33.', 'BILLING PROVIDER INFO & PH #');
  f.line(170, NPI_ROW, RIGHT, NPI_ROW, 0.5);
  f.line(270, NPI_ROW, 270, BOTTOM, 0.5);
  f.line(483, NPI_ROW, 483, BOTTOM, 0.5);
  f.note('a.', 172, NPI_ROW + 2, 5.5);
  f.note('NPI', 180, NPI_ROW + 9, 4.5);
  f.note('b.', 272, NPI_ROW + 2, 5.5);
  f.note('a.', MID + 2, NPI_ROW + 2, 5.5);
  f.note('NPI', MID + 10, NPI_ROW + 9, 4.5);
  f.note('b.', 485, NPI_ROW + 2, 5.5);
  doc.fillColor(RED).font(LABEL_BOLD).fontSize(5.5).text('NUCC Instruction Manual available at: www.nucc.org', LEFT, BOTTOM + 6, { lineBreak: false });
  doc.fillColor(RED).font(LABEL_BOLD).fontSize(7).text('PLEASE PRINT OR TYPE', 250, BOTTOM + 6, { lineBreak: false });
  doc.fillColor(RED).font(LABEL_BOLD).fontSize(5.5).text('FORM CMS-1500 (02-12)', 500, BOTTOM + 6, { lineBreak: false });
}

function fillPage(f: Form, c: Claim, lines: Claim['lines'], page: number, pages: number, o: Cms1500Options): void {
  const s = c.subscriber;
  const payer = c.payer;
  const pat = c.patient;
  const self = (s?.relationship ?? 'self') === 'self';
  const p = c.providers;

  // Carrier block.
  f.data(payer?.name?.toUpperCase(), MID + 6, 20, 210);
  if (payer?.address) {
    f.data(payer.address.line1.toUpperCase(), MID + 6, 31, 210);
    f.data(`${payer.address.city} ${payer.address.state} ${zip(payer.address.postalCode)}`.toUpperCase(), MID + 6, 42, 210);
  }
  if (pages > 1) f.data(`PAGE ${page} OF ${pages}`, MID + 6, 60, 210, 'left', 7);

  const top = 82;
  // 1, 1a
  const prog = program(payer?.filingIndicator);
  PROGRAMS.forEach(([, x], i) => f.check(x + 2, top + 12, prog === i));
  f.data(s?.memberId, MID + 4, top + 12, RIGHT - MID - 8);

  // 2, 3, 4
  let y = top + 24;
  f.data(personName(pat.name), LEFT + 4, y + 11, COL2 - LEFT - 8);
  f.data(mdy(pat.birthDate, 4), COL2 + 4, y + 11, 70);
  f.check(COL2 + 90, y + 12, pat.sex === 'M', 'M');
  f.check(COL2 + 114, y + 12, pat.sex === 'F', 'F');
  f.data(s ? personName(s.name) : '', MID + 4, y + 11, RIGHT - MID - 8);

  // 5, 6, 7
  y += 24;
  const patAddr = pat.address ?? (self ? s?.address : undefined);
  const insAddr = s?.address ?? (self ? pat.address : undefined);
  f.data(patAddr?.line1.toUpperCase(), LEFT + 4, y + 11, COL2 - LEFT - 8);
  const rel = s?.relationship ?? 'self';
  const relBox = rel === 'self' ? 0 : rel === 'spouse' ? 1 : rel === 'child' ? 2 : 3;
  ['Self', 'Spouse', 'Child', 'Other'].forEach((cap, i) => f.check(COL2 + 4 + i * 36, y + 12, relBox === i, cap));
  f.data(insAddr?.line1.toUpperCase(), MID + 4, y + 11, RIGHT - MID - 8);
  y += 24;
  f.data(patAddr?.city.toUpperCase(), LEFT + 4, y + 11, 190 - LEFT - 8);
  f.data(patAddr?.state, 194, y + 11, 30);
  f.data(insAddr?.city.toUpperCase(), MID + 4, y + 11, 550 - MID - 8);
  f.data(insAddr?.state, 554, y + 11, 36);
  y += 24;
  f.data(zip(patAddr?.postalCode), LEFT + 4, y + 11, 84);
  f.data(zip(insAddr?.postalCode), MID + 4, y + 11, 84);

  // 9-11
  y += 24;
  const related = new Set(c.indicators?.relatedCauses ?? []);
  const yesNo = (yy: number, yes: boolean) => {
    f.check(COL2 + 40, yy, yes, 'YES');
    f.check(COL2 + 80, yy, !yes, 'NO');
  };
  yesNo(y + 32, related.has('EM'));
  yesNo(y + 56, related.has('AA'));
  f.data(related.has('AA') ? c.indicators?.accidentState : '', COL2 + 112, y + 55, 30);
  yesNo(y + 80, related.has('OA'));
  f.data(s?.groupNumber?.toUpperCase() ?? 'NONE', MID + 4, y + 11, RIGHT - MID - 8);
  const insDob = s?.birthDate ?? (self ? pat.birthDate : undefined);
  const insSex = s?.sex ?? (self ? pat.sex : undefined);
  if (insDob) f.data(mdy(insDob, 4), MID + 14, y + 35, 80);
  f.check(MID + 130, y + 36, insSex === 'M', 'M');
  f.check(MID + 160, y + 36, insSex === 'F', 'F');
  f.data((s?.groupName ?? payer?.name)?.toUpperCase(), MID + 4, y + 83, RIGHT - MID - 8);
  const otherPlan = (c.x12?.segments ?? []).some((x) => x.loop.startsWith('2320'));
  f.check(MID + 14, y + 108, otherPlan, 'YES');
  f.check(MID + 50, y + 108, !otherPlan, 'NO');
  if (otherPlan) f.note('If yes, complete items 9, 9a, and 9d.', MID + 84, y + 109, 4.5);

  // 12, 13
  y += 120;
  const release = (c.indicators?.releaseOfInformation ?? 'Y') === 'Y';
  const assigned = (c.indicators?.benefitsAssigned ?? 'Y') === 'Y';
  if (release) f.data('SIGNATURE ON FILE', LEFT + 30, y + 20, 200);
  if (assigned) f.data('SIGNATURE ON FILE', MID + 30, y + 20, 180);

  // 14-18
  y += 30;
  const dates = c.dates ?? [];
  const d14 = dates.find((d) => d.qualifier === '431' || d.qualifier === '484');
  if (d14) {
    f.data(mdy(d14.date), LEFT + 14, y + 12, 90);
    f.data(d14.qualifier, 142, y + 12, 30);
  }
  const d15 = dates.find((d) => ['454', '304', '453', '439', '455', '471', '090', '091', '444'].includes(d.qualifier));
  if (d15) {
    f.data(d15.qualifier, COL2 + 22, y + 12, 30);
    f.data(mdy(d15.date), COL2 + 56, y + 12, 80);
  }
  const d16 = dates.find((d) => d.qualifier === '360' || d.qualifier === '314');
  if (d16) {
    f.data(mdy(d16.date), MID + 22, y + 12, 80);
    f.data(mdy(d16.to ?? dates.find((d) => d.qualifier === '361')?.date), MID + 126, y + 12, 80);
  }
  if (p.referring) {
    f.note('DN', LEFT + 24, y + 37, 6);
    f.data(providerName(p.referring), LEFT + 40, y + 36, COL2 - LEFT - 44);
    f.data(p.referring.npi, COL2 + 24, y + 37, MID - COL2 - 28);
  }
  if (c.admission) {
    f.data(mdy(c.admission.date), MID + 22, y + 36, 80);
    f.data(mdy(c.discharge?.date), MID + 126, y + 36, 80);
  }
  // 20: outside lab
  f.check(MID + 14, y + 61, false, 'YES');
  f.check(MID + 50, y + 61, true, 'NO');

  // 21
  const icdInd = (c.icdVersion ?? '10') === '10' ? '0' : '9';
  f.data(icdInd, 326, y + 73, 14, 'left', 7);
  c.diagnoses.slice(0, 12).forEach((dx, i) => {
    const cx = LEFT + 4 + (i % 4) * 88;
    const cy = y + 84 + Math.floor(i / 4) * 12;
    f.data(dx.code.includes('.') || dx.code.length <= 3 ? dx.code : `${dx.code.slice(0, 3)}.${dx.code.slice(3)}`, cx + 10, cy, 68, 'left', 8.5);
  });
  // 22, 23
  if (c.frequencyCode === '7' || c.frequencyCode === '8') {
    f.data(c.frequencyCode, MID + 10, y + 85, 40);
    f.data(c.originalClaimId, MID + 90, y + 85, RIGHT - MID - 94);
  }
  f.data(c.priorAuthorization ?? c.referralNumber, MID + 4, y + 108, RIGHT - MID - 8);

  // 24
  let pageTotal = 0;
  lines.forEach((l, i) => {
    const ly = LINE_TOP + i * LINE_H;
    const dy = ly + LINE_H / 2 + 3;
    if (l.ndc) f.data(`N4${l.ndc.code} ${l.ndc.unit}${l.ndc.quantity}`, LEFT + 4, ly + 3, 300, 'left', 8);
    else if (l.description) f.data(l.description.toUpperCase(), COL24.code + 2, ly + 3, COL24.qual - COL24.code - 4, 'left', 8);
    f.data(mdy(l.date).replace(/ /g, '  '), COL24.from + 3, dy, COL24.to - COL24.from - 4);
    f.data(mdy(l.dateTo ?? l.date).replace(/ /g, '  '), COL24.to + 3, dy, COL24.pos - COL24.to - 4);
    f.data(l.placeOfService ?? c.placeOfService, COL24.pos + 3, dy, COL24.emg - COL24.pos - 4);
    if (l.emergency) f.data('Y', COL24.emg + 5, dy, 14);
    f.data(l.code, COL24.code + 4, dy, COL24.mods - COL24.code - 6);
    l.modifiers.forEach((m, j) => f.data(m, COL24.mods + j * 20 + 4, dy, 16));
    f.data(l.diagnosisPointers.map((n) => 'ABCDEFGHIJKL'[n - 1] ?? '?').join(''), COL24.ptr + 4, dy, COL24.charge - COL24.ptr - 6);
    const [dollars, cents] = money(l.charge ?? 0);
    f.data(dollars, COL24.charge + 2, dy, 46, 'right');
    f.data(cents, COL24.charge + 52, dy, 18);
    f.data(String(l.units), COL24.units + 2, dy, COL24.epsdt - COL24.units - 4, 'right');
    const rendering = l.renderingProvider ?? p.rendering;
    f.data(rendering?.npi, COL24.npi + 4, dy, RIGHT - COL24.npi - 6);
    pageTotal += l.charge ?? 0;
  });

  // 25-33
  y = LINE_TOP + LINES_PER_PAGE * LINE_H;
  const b = p.billing;
  if (b?.taxId) {
    const v = b.taxId.value.replace(/\D/g, '');
    f.data(b.taxId.type === 'EIN' ? `${v.slice(0, 2)}-${v.slice(2)}` : `${v.slice(0, 3)}-${v.slice(3, 5)}-${v.slice(5)}`, LEFT + 4, y + 12, 100);
    f.check(120, y + 13, b.taxId.type === 'SSN');
    f.check(140, y + 13, b.taxId.type === 'EIN');
  }
  f.data(c.id, 174, y + 12, 112);
  const accept = (c.indicators?.assignment ?? 'A') !== 'C';
  f.check(296, y + 13, accept, 'YES');
  f.check(332, y + 13, !accept, 'NO');
  const [td, tc] = money(pageTotal);
  f.note('$', MID + 4, y + 12, 7);
  f.data(td, MID + 8, y + 12, 50, 'right');
  f.data(tc, MID + 62, y + 12, 16);
  f.note('$', 454, y + 12, 7);
  y += 24;
  const signer = p.rendering ?? b;
  f.data(providerName(signer), LEFT + 4, NPI_ROW - 2, 148, 'left', 8);
  f.data(mdy(o.signedOn ?? new Date().toISOString().slice(0, 10)), 118, NPI_ROW + 7, 50, 'left', 8);
  const fac = p.serviceFacility ?? (b && c.placeOfService !== '12' ? b : undefined);
  if (fac) {
    f.data(providerName(fac), 174, y + 10, MID - 178, 'left', 8);
    if (fac.address) {
      f.data([fac.address.line1, fac.address.line2].filter(Boolean).join(' ').toUpperCase(), 174, y + 20, MID - 178, 'left', 8);
      f.data(`${fac.address.city} ${fac.address.state} ${zip(fac.address.postalCode)}`.toUpperCase(), 174, y + 30, MID - 178, 'left', 8);
    }
    f.data(fac.npi, 192, NPI_ROW + 4, 76, 'left', 8.5);
  }
  if (b) {
    const [area, num] = phone(b.phone);
    if (area || num) f.data(`(${area}) ${num}`, 480, y + 1.5, RIGHT - 484, 'left', 7.5);
    f.data(providerName(b), MID + 4, y + 10, RIGHT - MID - 8, 'left', 8);
    if (b.address) {
      f.data([b.address.line1, b.address.line2].filter(Boolean).join(' ').toUpperCase(), MID + 4, y + 20, RIGHT - MID - 8, 'left', 8);
      f.data(`${b.address.city} ${b.address.state} ${zip(b.address.postalCode)}`.toUpperCase(), MID + 4, y + 30, RIGHT - MID - 8, 'left', 8);
    }
    f.data(b.npi, MID + 24, NPI_ROW + 4, 483 - MID - 26, 'left', 8.5);
  }
}

/** The CMS-1500 of a professional claim as PDF bytes. */
export async function cms1500Pdf(c: Claim, o: Cms1500Options = {}): Promise<Buffer> {
  if (c.setting !== 'professional') {
    throw new MedcoderError('INVALID_ARGUMENT', `the CMS-1500 is for professional claims; claim ${c.id} is ${c.setting} (institutional claims use the UB-04 or an 837I)`);
  }
  const fixed = new Date(`${o.signedOn ?? '2000-01-01'}T00:00:00Z`);
  // pdfkit and its fonts take a while to load: only when a form is drawn.
  const PDFDocument = (await import('pdfkit')).default as typeof PDFKitDocument;
  const doc = new PDFDocument({ size: 'LETTER', margin: 0, autoFirstPage: false, info: { Title: `CMS-1500 claim ${c.id}`, Creator: 'medcoder', Producer: 'medcoder', CreationDate: fixed, ModDate: fixed } });
  const chunks: Buffer[] = [];
  doc.on('data', (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const f = new Form(doc);
  const pages = Math.max(1, Math.ceil(c.lines.length / LINES_PER_PAGE));
  for (let page = 0; page < pages; page++) {
    doc.addPage({ size: 'LETTER', margin: 0 });
    drawForm(f, doc);
    fillPage(f, c, c.lines.slice(page * LINES_PER_PAGE, (page + 1) * LINES_PER_PAGE), page + 1, pages, o);
  }
  doc.end();
  return done;
}
