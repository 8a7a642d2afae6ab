import { useEffect, useState } from 'react';
import { Anchor, Badge, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { api, type SearchOut } from '../api';

type Detail = Awaited<ReturnType<typeof api.lookup>>['detail'];

/** The encoder in a side panel: search by words or code, then walk the hierarchy. */
export function SearchPanel({ date, onAdd, disabled }: { date: string; onAdd: (system: string, code: string) => void; disabled?: boolean }) {
  const [q, setQ] = useState('');
  const [system, setSystem] = useState<string>('icd10cm');
  const [res, setRes] = useState<SearchOut | null>(null);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (q.trim().length < 2) {
      setRes(null);
      return;
    }
    const t = setTimeout(() => api.search(q, system, date).then((r) => (setRes(r), setError(null)), (e: Error) => setError(e.message)), 200);
    return () => clearTimeout(t);
  }, [q, system, date]);

  const open = (code: string) => api.lookup(code, system, date).then((r) => setDetail(r.detail ?? null), (e: Error) => setError(e.message));

  return (
    <Stack gap="xs">
      <Group gap="xs" grow>
        <TextInput placeholder="Search: words or a code" value={q} onChange={(e) => setQ(e.currentTarget.value)} data-testid="search-input" />
        <Select value={system} onChange={(v) => v && setSystem(v)} data={[{ value: 'icd10cm', label: 'ICD-10-CM' }, { value: 'icd10pcs', label: 'ICD-10-PCS' }, { value: 'hcpcs', label: 'HCPCS' }]} maw={120} />
      </Group>
      {error && <Text size="xs" c="red">{error}</Text>}
      {detail && (
        <Stack gap={4} p="xs" style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4 }} data-testid="code-detail">
          <Group gap={4} wrap="wrap">
            {detail.ancestors?.map((a) => (
              <Anchor key={a.code} size="xs" onClick={() => void open(a.code)}>{a.code}</Anchor>
            ))}
          </Group>
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm" fw={600}><span className="mono">{detail.code}</span> {detail.title}</Text>
            {detail.billable && <Button variant="light" disabled={disabled} onClick={() => onAdd(system, detail.code)}>Add</Button>}
          </Group>
          {!detail.billable && <Badge size="xs" color="orange" variant="light">not billable: choose a code below</Badge>}
          {detail.notes?.slice(0, 6).map((n, i) => (
            <Text key={i} size="xs" c="dimmed">{n.kind}: {n.text}{n.from !== detail.code ? ` [${n.from}]` : ''}</Text>
          ))}
          {detail.children?.slice(0, 30).map((c) => (
            <Group key={c.code} gap={6} wrap="nowrap">
              <Anchor size="xs" className="mono" onClick={() => void open(c.code)}>{c.code}</Anchor>
              <Text size="xs" lineClamp={1}>{c.title}</Text>
            </Group>
          ))}
        </Stack>
      )}
      {res && (
        <Table data-testid="search-results">
          <Table.Tbody>
            {res.hits.map((h) => (
              <Table.Tr key={h.code}>
                <Table.Td className="mono" w={80}><Anchor size="xs" onClick={() => void open(h.code)}>{h.code}</Anchor></Table.Td>
                <Table.Td>
                  {h.title}
                  {h.path && <Text size="xs" c="dimmed">{h.path}</Text>}
                </Table.Td>
                <Table.Td w={50}><Button variant="subtle" size="compact-xs" disabled={disabled} onClick={() => onAdd(system, h.code)}>Add</Button></Table.Td>
              </Table.Tr>
            ))}
            {res.hits.length === 0 && <Table.Tr><Table.Td><Text size="xs" c="dimmed">No match in {res.release}.</Text></Table.Td></Table.Tr>}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
