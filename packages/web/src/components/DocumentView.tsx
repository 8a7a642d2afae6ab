import { Fragment } from 'react';
import { Badge, Group, Paper, Text } from '@mantine/core';
import type { Doc } from '../api';

export interface Mark {
  start: number;
  end: number;
  suggestionId: number;
  code: string;
  status: string;
}

/** A document's text with its evidence highlighted; a click on a mark selects its code. */
export function DocumentView({ doc, marks, selected, onSelect }: { doc: Doc; marks: Mark[]; selected: number | null; onSelect: (id: number) => void }) {
  const sorted = [...marks].sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: React.ReactNode[] = [];
  let at = 0;
  for (const m of sorted) {
    if (m.start < at || m.end > doc.text.length) continue; // overlapping evidence: the first wins
    if (m.start > at) parts.push(<Fragment key={`t${at}`}>{doc.text.slice(at, m.start)}</Fragment>);
    parts.push(
      <mark
        key={`m${m.start}-${m.suggestionId}`}
        className={`ev ${m.status}${selected === m.suggestionId ? ' selected' : ''}`}
        data-ev={m.suggestionId}
        title={`${m.code} (${m.status})`}
        onClick={() => onSelect(m.suggestionId)}
      >
        {doc.text.slice(m.start, m.end)}
      </mark>,
    );
    at = m.end;
  }
  if (at < doc.text.length) parts.push(<Fragment key={`t${at}`}>{doc.text.slice(at)}</Fragment>);
  return (
    <Paper withBorder p="sm" mb="sm" data-testid={`document-${doc.id}`}>
      <Group justify="space-between" mb={6}>
        <Text fw={600} size="sm">{doc.title}</Text>
        <Group gap={4}>
          <Badge size="xs" variant="outline" color="gray">{doc.textSource === 'ocr' ? `OCR ${Math.round(doc.ocrConfidence ?? 0)}%` : doc.textSource === 'pdf-text' ? 'PDF text' : 'text'}</Badge>
        </Group>
      </Group>
      <div className="doc-text">{parts}</div>
    </Paper>
  );
}
