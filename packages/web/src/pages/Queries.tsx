import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Paper, SegmentedControl, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { api, type QueryOut } from '../api';
import type { Me } from '../App';
import { navigate } from '../router';

export function QueriesPage({ me }: { me: Me }) {
  const [status, setStatus] = useState('open');
  const [list, setList] = useState<QueryOut[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [answering, setAnswering] = useState<number | null>(null);
  const [answer, setAnswer] = useState('');
  const load = () => api.queries({ status }).then(setList, (e: Error) => setError(e.message));
  useEffect(() => {
    void load();
  }, [status]);
  const canAnswer = me.role === 'coder' || me.role === 'manager';
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={4}>Provider queries</Title>
        <SegmentedControl size="xs" value={status} onChange={setStatus} data={[{ value: 'open', label: 'Open' }, { value: 'answered', label: 'Answered' }, { value: 'closed', label: 'Closed' }]} />
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      <Paper withBorder>
        <Table striped data-testid="queries">
          <Table.Thead><Table.Tr><Table.Th>#</Table.Th><Table.Th>Encounter</Table.Th><Table.Th>Code</Table.Th><Table.Th>Question</Table.Th><Table.Th>Asked by</Table.Th><Table.Th>Status</Table.Th><Table.Th /></Table.Tr></Table.Thead>
          <Table.Tbody>
            {list.map((q) => (
              <Table.Tr key={q.id}>
                <Table.Td>{q.id}</Table.Td>
                <Table.Td><Anchor size="xs" className="mono" onClick={() => navigate(`/encounters/${q.encounterId}`)}>{q.encounterExternalId ?? `#${q.encounterId}`}</Anchor><Text size="xs" c="dimmed">{q.patientName}</Text></Table.Td>
                <Table.Td className="mono">{q.code ?? '—'}</Table.Td>
                <Table.Td maw={420}>
                  <Text size="xs">{q.question}</Text>
                  {q.answer && <Text size="xs" c="blue">Answer: {q.answer}</Text>}
                  {answering === q.id && (
                    <Stack gap={4} mt={4}>
                      <Textarea autosize minRows={2} placeholder="The provider's answer, as documented" value={answer} onChange={(e) => setAnswer(e.currentTarget.value)} />
                      <Group gap={4}>
                        <Button disabled={!answer.trim()} onClick={() => void api.answerQuery(q.id, answer).then(() => { setAnswering(null); setAnswer(''); return load(); }, (e: Error) => setError(e.message))}>Record answer and re-code</Button>
                        <Button variant="subtle" onClick={() => setAnswering(null)}>Cancel</Button>
                      </Group>
                    </Stack>
                  )}
                </Table.Td>
                <Table.Td>{q.createdBy}<Text size="xs" c="dimmed">{q.createdAt.slice(0, 10)}</Text></Table.Td>
                <Table.Td><Badge size="xs" color={q.status === 'open' ? 'orange' : q.status === 'answered' ? 'blue' : 'gray'}>{q.status}</Badge></Table.Td>
                <Table.Td>
                  {canAnswer && q.status === 'open' && answering !== q.id && <Button size="compact-xs" variant="light" onClick={() => setAnswering(q.id)}>Answer</Button>}
                  {canAnswer && q.status !== 'closed' && <Button size="compact-xs" variant="subtle" ml={4} onClick={() => void api.closeQuery(q.id).then(load, (e: Error) => setError(e.message))}>Close</Button>}
                </Table.Td>
              </Table.Tr>
            ))}
            {list.length === 0 && <Table.Tr><Table.Td colSpan={7}><Text size="xs" c="dimmed" ta="center" py="sm">No {status} queries.</Text></Table.Td></Table.Tr>}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
