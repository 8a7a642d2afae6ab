import { useEffect, useState } from 'react';
import { Alert, Button, Group, Paper, SegmentedControl, Select, Table, Text, TextInput, Title } from '@mantine/core';
import { api, type WorklistOut } from '../api';
import type { Me } from '../App';
import { navigate } from '../router';
import { SETTING_LABEL, STATUS_LABEL, StatusBadge } from '../components/status';

const STATUSES = ['ready', 'in_progress', 'query', 'pending', 'finalized'];

export function WorklistPage({ me }: { me: Me }) {
  const params = new URLSearchParams(window.location.search);
  const [status, setStatus] = useState<string>(params.get('status') ?? 'all');
  const [setting, setSetting] = useState<string | null>(params.get('setting'));
  const [coder, setCoder] = useState<string | null>(params.get('coder') ?? (me.role === 'coder' ? null : null));
  const [from, setFrom] = useState(params.get('from') ?? '');
  const [to, setTo] = useState(params.get('to') ?? '');
  const [q, setQ] = useState('');
  const [pages, setPages] = useState<Array<string | null>>([null]);
  const [data, setData] = useState<WorklistOut | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [coders, setCoders] = useState<Array<{ value: string; label: string }>>([]);
  const after = pages[pages.length - 1] ?? null;

  useEffect(() => {
    if (me.role !== 'coder') api.users().then((u) => setCoders(u.filter((x) => x.role === 'coder' || x.role === 'manager').map((x) => ({ value: String(x.id), label: x.displayName }))), () => undefined);
  }, [me.role]);

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      api.worklist({ status: status === 'all' ? null : status, setting, coder, from: from || undefined, to: to || undefined, q: q || undefined, after, limit: 50 })
        .then((d) => live && (setData(d), setError(null)), (e: Error) => live && setError(e.message));
    }, q ? 250 : 0);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [status, setting, coder, from, to, q, after]);

  const resetPages = () => setPages([null]);
  const counts = data?.counts ?? {};
  const all = Object.values(counts).reduce((a, b) => a + b, 0);

  return (
    <>
      <Group justify="space-between" mb="xs">
        <Title order={4}>Worklist</Title>
        <Text size="xs" c="dimmed" data-testid="worklist-total">{data ? `${data.total} encounters` : ''}</Text>
      </Group>
      <Paper withBorder p="xs" mb="xs">
        <Group gap="xs" align="end" wrap="wrap">
          <SegmentedControl
            size="xs"
            value={status}
            onChange={(v) => { setStatus(v); resetPages(); }}
            data={[{ value: 'all', label: `All (${all})` }, ...STATUSES.map((s) => ({ value: s, label: `${STATUS_LABEL[s]} (${counts[s] ?? 0})` }))]}
            data-testid="status-filter"
          />
          <Select placeholder="Setting" clearable w={130} value={setting} onChange={(v) => { setSetting(v); resetPages(); }} data={Object.entries(SETTING_LABEL).map(([value, label]) => ({ value, label }))} aria-label="Setting" />
          <Select placeholder="Coder" clearable w={160} value={coder} onChange={(v) => { setCoder(v); resetPages(); }} data={[{ value: 'me', label: 'Mine' }, { value: 'unassigned', label: 'Unassigned' }, ...coders]} aria-label="Coder" />
          <TextInput type="date" w={130} value={from} onChange={(e) => { setFrom(e.currentTarget.value); resetPages(); }} aria-label="Service from" />
          <Text size="xs">to</Text>
          <TextInput type="date" w={130} value={to} onChange={(e) => { setTo(e.currentTarget.value); resetPages(); }} aria-label="Service to" />
          <TextInput placeholder="Patient, MRN or encounter id" w={200} value={q} onChange={(e) => { setQ(e.currentTarget.value); resetPages(); }} />
        </Group>
      </Paper>
      {error && <Alert color="red" mb="xs">{error}</Alert>}
      <Paper withBorder>
        <Table striped highlightOnHover stickyHeader data-testid="worklist">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Encounter</Table.Th><Table.Th>Patient</Table.Th><Table.Th>MRN</Table.Th><Table.Th>Setting</Table.Th><Table.Th>Dates of service</Table.Th>
              <Table.Th>Provider</Table.Th><Table.Th>Payer</Table.Th><Table.Th>Status</Table.Th><Table.Th>Coder</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data?.items.map((e) => (
              <Table.Tr key={e.id} className="code-row" onClick={() => navigate(`/encounters/${e.id}`)} data-testid={`encounter-row-${e.externalId ?? e.id}`}>
                <Table.Td className="mono">{e.externalId ?? `#${e.id}`}</Table.Td>
                <Table.Td>{e.patient.name}</Table.Td>
                <Table.Td className="mono">{e.patient.mrn}</Table.Td>
                <Table.Td>{SETTING_LABEL[e.setting]}</Table.Td>
                <Table.Td>{e.serviceFrom}{e.serviceTo !== e.serviceFrom ? ` – ${e.serviceTo}` : ''}</Table.Td>
                <Table.Td>{e.provider}</Table.Td>
                <Table.Td>{e.payer}</Table.Td>
                <Table.Td><StatusBadge status={e.status} /></Table.Td>
                <Table.Td>{e.finalizedBy?.name ?? e.assignedTo?.name ?? <Text span size="xs" c="dimmed">—</Text>}</Table.Td>
              </Table.Tr>
            ))}
            {data && data.items.length === 0 && (
              <Table.Tr><Table.Td colSpan={9}><Text size="xs" c="dimmed" ta="center" py="md">No encounters match these filters.</Text></Table.Td></Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Paper>
      <Group justify="end" mt="xs" gap="xs">
        <Button variant="default" disabled={pages.length <= 1} onClick={() => setPages(pages.slice(0, -1))}>Previous</Button>
        <Button variant="default" disabled={!data?.next} onClick={() => data?.next && setPages([...pages, data.next])}>Next 50</Button>
      </Group>
    </>
  );
}
