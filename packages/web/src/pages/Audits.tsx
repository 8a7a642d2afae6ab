import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Grid, Group, NumberInput, Paper, ScrollArea, SegmentedControl, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { api, type AccuracyOut, type AuditOut, type EncounterDetail } from '../api';
import type { Me } from '../App';
import { navigate } from '../router';
import { DocumentView } from '../components/DocumentView';
import { SearchPanel } from '../components/SearchPanel';

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

export function AuditsPage({ me }: { me: Me }) {
  const [status, setStatus] = useState<string>(me.role === 'auditor' ? 'assigned' : 'all');
  const [list, setList] = useState<AuditOut[]>([]);
  const [acc, setAcc] = useState<AccuracyOut | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [percent, setPercent] = useState<number | string>(10);
  const [open, setOpen] = useState<AuditOut | null>(null);
  const load = () => {
    api.audits({ status: status === 'all' ? null : status }).then(setList, (e: Error) => setError(e.message));
    api.accuracy().then(setAcc, () => undefined);
  };
  useEffect(load, [status]);

  if (open) return <AuditReview audit={open} me={me} onDone={(msg) => { setOpen(null); setNotice(msg); load(); }} />;

  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={4}>Audits</Title>
        <SegmentedControl size="xs" value={status} onChange={setStatus} data={[{ value: 'all', label: 'All' }, { value: 'assigned', label: 'To review' }, { value: 'completed', label: 'Completed' }, { value: 'rebutted', label: 'Rebutted' }]} />
      </Group>
      {error && <Alert color="red" withCloseButton onClose={() => setError(null)}>{error}</Alert>}
      {notice && <Alert color="green" withCloseButton onClose={() => setNotice(null)} data-testid="audit-notice">{notice}</Alert>}
      {(me.role === 'manager' || me.role === 'auditor') && (
        <Paper withBorder p="xs">
          <Group gap="xs" align="end">
            <NumberInput label="Sample of each coder's finalized encounters (%)" w={320} min={1} max={100} value={percent} onChange={setPercent} size="xs" data-testid="sample-percent" />
            <Button data-testid="draw-sample" onClick={() => void api.sample({ percent: Number(percent) }).then((r) => { setNotice(`${r.created} encounters sampled for audit.`); load(); }, (e: Error) => setError(e.message))}>Draw sample</Button>
            <Text size="xs" c="dimmed">Encounters already audited are not drawn again.</Text>
          </Group>
        </Paper>
      )}
      <Grid gap="xs">
        <Grid.Col span={8}>
          <Paper withBorder>
            <Table striped data-testid="audits">
              <Table.Thead><Table.Tr><Table.Th>#</Table.Th><Table.Th>Encounter</Table.Th><Table.Th>Coder</Table.Th><Table.Th>Auditor</Table.Th><Table.Th>Status</Table.Th><Table.Th>Precision</Table.Th><Table.Th>Recall</Table.Th><Table.Th>Principal</Table.Th><Table.Th /></Table.Tr></Table.Thead>
              <Table.Tbody>
                {list.map((a) => (
                  <Table.Tr key={a.id}>
                    <Table.Td>{a.id}</Table.Td>
                    <Table.Td><Anchor size="xs" onClick={() => navigate(`/encounters/${a.encounterId}`)}>#{a.encounterId}</Anchor></Table.Td>
                    <Table.Td>{a.coder}</Table.Td>
                    <Table.Td>{a.auditor ?? '—'}</Table.Td>
                    <Table.Td><Badge size="xs" variant="light" color={a.status === 'assigned' ? 'blue' : a.status === 'rebutted' ? 'orange' : 'green'}>{a.status}</Badge></Table.Td>
                    <Table.Td>{pct(a.precision)}</Table.Td>
                    <Table.Td>{pct(a.recall)}</Table.Td>
                    <Table.Td>{a.principalChanged === null ? '—' : a.principalChanged ? <Badge size="xs" color="red">changed</Badge> : 'kept'}</Table.Td>
                    <Table.Td>
                      {me.role === 'auditor' && a.status === 'assigned' && <Button size="compact-xs" data-testid={`review-${a.encounterId}`} onClick={() => setOpen(a)}>Re-code</Button>}
                      {a.status !== 'assigned' && <Button size="compact-xs" variant="subtle" onClick={() => setOpen(a)}>Open</Button>}
                    </Table.Td>
                  </Table.Tr>
                ))}
                {list.length === 0 && <Table.Tr><Table.Td colSpan={9}><Text size="xs" c="dimmed" ta="center" py="sm">No audits here.</Text></Table.Td></Table.Tr>}
              </Table.Tbody>
            </Table>
          </Paper>
        </Grid.Col>
        <Grid.Col span={4}>
          <Paper withBorder p="xs">
            <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={4}>Accuracy per coder</Text>
            <Table data-testid="accuracy">
              <Table.Thead><Table.Tr><Table.Th>Coder</Table.Th><Table.Th>Audits</Table.Th><Table.Th>Precision</Table.Th><Table.Th>Recall</Table.Th><Table.Th>Principal changes</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {acc?.coders.map((c) => (
                  <Table.Tr key={c.coderId}><Table.Td>{c.coder}</Table.Td><Table.Td>{c.audits}</Table.Td><Table.Td>{pct(c.precision)}</Table.Td><Table.Td>{pct(c.recall)}</Table.Td><Table.Td>{c.principalChanges}</Table.Td></Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function AuditReview({ audit, me, onDone }: { audit: AuditOut; me: Me; onDone: (msg: string) => void }) {
  const [enc, setEnc] = useState<EncounterDetail | null>(null);
  const [codes, setCodes] = useState<Array<{ system: string; code: string }>>(audit.auditorCodes ?? []);
  const [code, setCode] = useState('');
  const [comments, setComments] = useState(audit.comments ?? '');
  const [rebuttal, setRebuttal] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.encounter(audit.encounterId).then(setEnc, (e: Error) => setError(e.message));
  }, [audit.encounterId]);
  const blind = audit.status === 'assigned' && me.role === 'auditor';
  // the title of each listed code (shown to the auditor, not sent): looked up on the encounter's date
  const [titles, setTitles] = useState<Record<string, string>>({});
  const add = (system: string, c: string) => {
    const upper = c.toUpperCase();
    if (codes.some((x) => x.code === upper)) return;
    setCodes([...codes, { system, code: upper }]);
    api.lookup(upper, system, enc?.encounter.serviceFrom).then(
      (r) => setTitles((t) => ({ ...t, [`${system}|${upper}`]: r.detail?.title ?? 'not found on the date of service' })),
      () => setTitles((t) => ({ ...t, [`${system}|${upper}`]: 'not found on the date of service' })),
    );
  };
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={5}>Audit {audit.id} · encounter #{audit.encounterId} · coded by {audit.coder}</Title>
        <Button variant="subtle" onClick={() => onDone('')}>Back to audits</Button>
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      <Grid gap="xs">
        <Grid.Col span={6}>
          <ScrollArea h="calc(100vh - 130px)">
            {enc?.documents.map((d) => <DocumentView key={d.id} doc={d} marks={[]} selected={null} onSelect={() => undefined} />)}
          </ScrollArea>
        </Grid.Col>
        <Grid.Col span={6}>
          <Paper withBorder p="xs">
            {blind ? (
              <Stack gap="xs">
                <Text size="xs" c="dimmed">Blind re-code: the coder's codes are hidden until you submit. List the codes you would report, principal first.</Text>
                <Table data-testid="auditor-codes">
                  <Table.Tbody>
                    {codes.map((c, i) => (
                      <Table.Tr key={c.code}><Table.Td w={24}>{i + 1}</Table.Td><Table.Td className="mono" w={90}>{c.code}</Table.Td><Table.Td><Text size="xs">{titles[`${c.system}|${c.code}`] ?? ''}</Text></Table.Td><Table.Td w={80} ta="right"><Button size="compact-xs" variant="subtle" color="red" onClick={() => setCodes(codes.filter((x) => x !== c))}>Remove</Button></Table.Td></Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                <Group gap="xs">
                  <TextInput placeholder="ICD-10-CM code" value={code} onChange={(e) => setCode(e.currentTarget.value.toUpperCase())} data-testid="audit-code-input" />
                  <Button variant="light" disabled={!code} data-testid="audit-add-code" onClick={() => { add('icd10cm', code); setCode(''); }}>Add</Button>
                </Group>
                <SearchPanel date={enc?.encounter.serviceFrom ?? new Date().toISOString().slice(0, 10)} onAdd={add} />
                <Textarea label="Comments to the coder" autosize minRows={2} value={comments} onChange={(e) => setComments(e.currentTarget.value)} />
                <Button color="green" disabled={!codes.length} data-testid="submit-audit" onClick={() => void api.review(audit.id, { codes, comments }).then((r) => onDone(`Audit ${r.id} recorded: precision ${pct(r.precision)}, recall ${pct(r.recall)}${r.principalChanged ? ', principal changed' : ''}.`), (e: Error) => setError(e.message))}>Submit review</Button>
              </Stack>
            ) : (
              <Stack gap="xs">
                <Group gap="lg">
                  <Text size="sm">Precision <b>{pct(audit.precision)}</b></Text>
                  <Text size="sm">Recall <b>{pct(audit.recall)}</b></Text>
                  <Text size="sm">Principal {audit.principalChanged ? <Badge color="red" size="sm">changed</Badge> : 'kept'}</Text>
                </Group>
                <Table>
                  <Table.Thead><Table.Tr><Table.Th>Coder</Table.Th><Table.Th>Auditor</Table.Th></Table.Tr></Table.Thead>
                  <Table.Tbody>
                    {Array.from({ length: Math.max(audit.coderCodes?.length ?? 0, audit.auditorCodes?.length ?? 0) }, (_, i) => {
                      const c = audit.coderCodes?.[i];
                      const a = audit.auditorCodes?.[i];
                      const inA = c && audit.auditorCodes?.some((x) => x.code === c.code);
                      const inC = a && audit.coderCodes?.some((x) => x.code === a.code);
                      return (
                        <Table.Tr key={i}>
                          <Table.Td className="mono" c={c && !inA ? 'red' : undefined}>{c?.code ?? ''}</Table.Td>
                          <Table.Td className="mono" c={a && !inC ? 'orange' : undefined}>{a?.code ?? ''}</Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
                {audit.comments && <Text size="xs"><b>Auditor:</b> {audit.comments}</Text>}
                {audit.rebuttal && <Text size="xs"><b>Coder rebuttal:</b> {audit.rebuttal}</Text>}
                {me.role === 'coder' && audit.status === 'completed' && (
                  <>
                    <Textarea label="Rebuttal" autosize minRows={2} value={rebuttal} onChange={(e) => setRebuttal(e.currentTarget.value)} />
                    <Button disabled={!rebuttal.trim()} onClick={() => void api.rebut(audit.id, rebuttal).then(() => onDone('Rebuttal sent.'), (e: Error) => setError(e.message))}>Send rebuttal</Button>
                  </>
                )}
              </Stack>
            )}
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
