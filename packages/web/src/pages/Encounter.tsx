import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  ActionIcon, Alert, Badge, Button, Checkbox, Grid, Group, Loader, Modal, Paper, ScrollArea, Select, Stack, Table, Tabs, Text, Textarea, TextInput, Title, Tooltip,
} from '@mantine/core';
import { api, ApiError, type EncounterDetail, type Suggestion } from '../api';
import type { Me } from '../App';
import { navigate } from '../router';
import { DocumentView, type Mark } from '../components/DocumentView';
import { SearchPanel } from '../components/SearchPanel';
import { SETTING_LABEL, StatusBadge } from '../components/status';
import { ClaimDownloads } from '../components/ClaimDownloads';
import { LAYER_LABEL } from '../components/edit-layers';

const KIND_LABEL: Record<string, string> = { diagnosis: 'Diagnoses', procedure: 'Procedures', service: 'Services' };
const REJECT_REASONS = ['Not supported by documentation', 'Negated or ruled out', 'Historical / resolved', 'Integral to another condition', 'More specific code chosen'];
const POA = ['Y', 'N', 'U', 'W', '1'];

function confidenceColor(c: number) {
  return c >= 0.85 ? 'green' : c >= 0.6 ? 'yellow' : 'red';
}

export function EncounterPage({ id, me }: { id: number; me: Me }) {
  const [d, setD] = useState<EncounterDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [showSuppressed, setShowSuppressed] = useState(false);
  const [rejecting, setRejecting] = useState<Suggestion | null>(null);
  const [rejectReason, setRejectReason] = useState<string>(REJECT_REASONS[0]!);
  const [tab, setTab] = useState<string | null>('codes');
  const [addCode, setAddCode] = useState('');
  const [addSystem, setAddSystem] = useState('icd10cm');
  const [queryText, setQueryText] = useState('');
  const [queryCode, setQueryCode] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: number; value: string } | null>(null);
  const docsRef = useRef<HTMLDivElement>(null);

  const load = useCallback(() => api.encounter(id).then(setD, (e: Error) => setError(e.message)), [id]);
  useEffect(() => {
    void load();
  }, [load]);
  // while coding runs, look again
  useEffect(() => {
    if (d?.encounter.status !== 'pending') return;
    const t = setInterval(() => void load(), 1000);
    return () => clearInterval(t);
  }, [d?.encounter.status, load]);

  const canCode = me.role === 'coder' || me.role === 'manager';
  const finalized = d?.encounter.status === 'finalized';
  const editable = canCode && !finalized;

  const act = async (fn: (version: number) => Promise<unknown>, ok?: string) => {
    if (!d) return;
    try {
      await fn(d.encounter.version);
      setNotice(ok ?? null);
      setError(null);
    } catch (e) {
      setNotice(null);
      if (e instanceof ApiError && e.status === 409 && e.problem['code'] === 'VERSION_CONFLICT') setError('Someone else changed this encounter; it has been reloaded. Check and try again.');
      else setError(e instanceof Error ? e.message : String(e));
    }
    await load();
  };

  const [flashTick, setFlashTick] = useState(0);
  const select = (sid: number) => {
    setSelected(sid);
    setTab('codes');
    setFlashTick((t) => t + 1);
  };
  // after the render that marks the selection: scroll to the evidence and flash it
  useEffect(() => {
    if (selected === null) return;
    const el = docsRef.current?.querySelector<HTMLElement>(`[data-ev="${selected}"]`);
    if (!el) return;
    el.scrollIntoView({ behavior: 'smooth', block: 'center' });
    el.classList.remove('flash');
    void el.offsetWidth; // restart the animation
    el.classList.add('flash');
  }, [flashTick]);

  const marksByDoc = useMemo(() => {
    const m = new Map<number, Mark[]>();
    for (const s of d?.suggestions ?? []) {
      if (s.status === 'suppressed' && !showSuppressed) continue;
      for (const e of s.evidence) {
        const list = m.get(e.documentId) ?? [];
        list.push({ start: e.start, end: e.end, suggestionId: s.id, code: s.code, status: s.status });
        m.set(e.documentId, list);
      }
    }
    return m;
  }, [d, showSuppressed]);

  if (!d) return error ? <Alert color="red">{error}</Alert> : <Loader m="xl" />;
  const enc = d.encounter;
  const active = d.suggestions.filter((s) => s.status !== 'suppressed');
  const suppressed = d.suggestions.filter((s) => s.status === 'suppressed');
  const groups = ['diagnosis', 'procedure', 'service'].map((k) => ({ kind: k, items: active.filter((s) => s.kind === k) })).filter((g) => g.items.length);
  const openEdits = d.edits.filter((f) => f.status === 'open');
  const move = (codeId: number, delta: number) => {
    const kindOf = d.finalCodes.find((c) => c.id === codeId)!.kind;
    const same = d.finalCodes.filter((c) => c.kind === kindOf);
    const i = same.findIndex((c) => c.id === codeId);
    const j = i + delta;
    if (j < 0 || j >= same.length) return;
    const ids = same.map((c) => c.id);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
    const order = [...ids, ...d.finalCodes.filter((c) => c.kind !== kindOf).map((c) => c.id)];
    void act((version) => api.sequence(id, { version, order }));
  };

  return (
    <Stack gap="xs">
      <Paper withBorder p="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="sm">
            <Button variant="subtle" onClick={() => navigate('/worklist')}>← Worklist</Button>
            <Title order={5} className="mono">{enc.externalId ?? `#${enc.id}`}</Title>
            <Text size="sm" fw={600}>{enc.patient.name}</Text>
            <Text size="xs" c="dimmed" className="mono">{enc.patient.mrn}</Text>
            <Badge size="xs" variant="outline">{SETTING_LABEL[enc.setting]}</Badge>
            <Text size="xs">{enc.serviceFrom}{enc.serviceTo !== enc.serviceFrom ? ` – ${enc.serviceTo}` : ''}</Text>
            <Text size="xs" c="dimmed">{enc.provider} · {enc.payer}</Text>
            <StatusBadge status={enc.status} />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Text size="xs" c="dimmed">v{enc.version}</Text>
            {finalized && me.role !== 'auditor' && <ClaimDownloads encounterId={id} version={enc.version} />}
            {finalized && me.role === 'manager' && (
              <Button variant="default" onClick={() => void act((version) => api.reopen(id, { version, reason: 'reopened from the workstation' }), 'Reopened.')}>Reopen</Button>
            )}
            {editable && (
              <Button color="green" data-testid="finalize" onClick={() => void act((version) => api.finalize(id, { version }), 'Finalized.')}>Finalize</Button>
            )}
          </Group>
        </Group>
      </Paper>
      {/* messages float over the page: the documents and codes keep their place and height */}
      {(error || notice) && (
        <Stack gap={6} style={{ position: 'fixed', right: 16, bottom: 16, width: 460, zIndex: 300 }}>
          {error && <Alert color="red" p="xs" withCloseButton onClose={() => setError(null)} data-testid="error" style={{ boxShadow: 'var(--mantine-shadow-md)' }}>{error}</Alert>}
          {notice && <Alert color="green" p="xs" withCloseButton onClose={() => setNotice(null)} data-testid="notice" style={{ boxShadow: 'var(--mantine-shadow-md)' }}>{notice}</Alert>}
        </Stack>
      )}
      {enc.status === 'pending' && <Alert color="blue" p="xs">Coding is running in the background…</Alert>}
      <Grid gap="xs">
        <Grid.Col span={6}>
          <ScrollArea h="calc(100vh - 150px)" viewportRef={docsRef} data-testid="documents">
            {d.documents.map((doc) => (
              <DocumentView key={doc.id} doc={doc} marks={marksByDoc.get(doc.id) ?? []} selected={selected} onSelect={select} />
            ))}
          </ScrollArea>
        </Grid.Col>
        <Grid.Col span={6}>
          <Paper withBorder p="xs" mah="calc(100vh - 150px)" style={{ overflow: 'auto' }}>
            <Tabs value={tab} onChange={setTab}>
              <Tabs.List>
                <Tabs.Tab value="codes">Codes</Tabs.Tab>
                <Tabs.Tab value="edits" rightSection={openEdits.length ? <Badge size="xs" color="red" circle>{openEdits.length}</Badge> : null}>Edits</Tabs.Tab>
                <Tabs.Tab value="queries" rightSection={d.queries.filter((q) => q.status === 'open').length ? <Badge size="xs" color="orange" circle>{d.queries.filter((q) => q.status === 'open').length}</Badge> : null}>Queries</Tabs.Tab>
                <Tabs.Tab value="search">Encoder</Tabs.Tab>
              </Tabs.List>

              <Tabs.Panel value="codes" pt="xs">
                <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={4}>Suggested</Text>
                {groups.length === 0 && <Text size="xs" c="dimmed">No suggestions.</Text>}
                {groups.map((g) => (
                  <div key={g.kind}>
                    <Text size="xs" fw={600} mt={4}>{KIND_LABEL[g.kind]}</Text>
                    <Table data-testid={`suggestions-${g.kind}`}>
                      <Table.Tbody>
                        {g.items.map((s) => (
                          <Table.Tr key={s.id} className={`code-row${selected === s.id ? ' selected' : ''}`} onClick={() => select(s.id)} data-testid={`suggestion-${s.code}`}>
                            <Table.Td w={24}>{s.sequence ?? ''}</Table.Td>
                            <Table.Td w={70} className="mono" fw={600}>{s.code}</Table.Td>
                            <Table.Td>
                              <Text size="xs">{s.title}</Text>
                              <Text size="xs" c="dimmed" lineClamp={2}>{s.rationale}</Text>
                              {s.details && Object.entries(s.details).map(([k, v]) =>
                                k === 'sequence' ? (
                                  <Badge key={k} size="xs" variant="outline" mr={4}>{String(v)}</Badge>
                                ) : k === 'query' && editable ? (
                                  <Text key={k} size="xs" c="indigo">
                                    QUERY: {String(v)}{' '}
                                    <Button size="compact-xs" variant="subtle" onClick={(e) => { e.stopPropagation(); setQueryCode(s.code); setQueryText(String(v)); setTab('queries'); }}>Ask the provider</Button>
                                  </Text>
                                ) : k === 'context' ? (
                                  <Text key={k} span size="xs" c="dimmed" mr={4}>context: {Array.isArray(v) ? v.join(', ') : String(v)}</Text>
                                ) : (
                                  <Text key={k} size="xs" c="indigo">{k === 'hcc' ? '' : k === 'em' ? 'E/M: ' : `${k.toUpperCase()}: `}{typeof v === 'string' ? v : JSON.stringify(v)}</Text>
                                ),
                              )}
                              {s.rejectReason && <Text size="xs" c="red">Rejected: {s.rejectReason}</Text>}
                            </Table.Td>
                            <Table.Td w={48}><Tooltip label="confidence"><Text size="xs" fw={700} c={confidenceColor(s.confidence)}>{Math.round(s.confidence * 100)}%</Text></Tooltip></Table.Td>
                            <Table.Td w={120} onClick={(e) => e.stopPropagation()}>
                              {s.status === 'suggested' && editable && (
                                <Group gap={4} wrap="nowrap">
                                  <Button size="compact-xs" color="green" variant="light" data-testid={`accept-${s.code}`} onClick={() => void act((version) => api.accept(id, s.id, { version }))}>Accept</Button>
                                  <Button size="compact-xs" color="red" variant="subtle" data-testid={`reject-${s.code}`} onClick={() => setRejecting(s)}>Reject</Button>
                                </Group>
                              )}
                              {s.status !== 'suggested' && <Badge size="xs" color={s.status === 'accepted' ? 'green' : 'gray'}>{s.status}</Badge>}
                            </Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </div>
                ))}
                {suppressed.length > 0 && (
                  <Checkbox size="xs" mt="xs" label={`Show suppressed mentions (${suppressed.length})`} checked={showSuppressed} onChange={(e) => setShowSuppressed(e.currentTarget.checked)} data-testid="show-suppressed" />
                )}
                {showSuppressed && (
                  <Table data-testid="suppressed">
                    <Table.Tbody>
                      {suppressed.map((s) => (
                        <Table.Tr key={s.id} className="code-row" onClick={() => select(s.id)}>
                          <Table.Td w={70} className="mono" c="dimmed">{s.code}</Table.Td>
                          <Table.Td><Text size="xs" c="dimmed">{s.title}</Text><Text size="xs" c="red">{s.suppressReason}</Text></Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                )}

                <Text size="xs" fw={700} tt="uppercase" c="dimmed" mt="md" mb={4}>Final codes</Text>
                <Table data-testid="final-codes">
                  <Table.Tbody>
                    {d.finalCodes.map((c) => (
                      <Table.Tr key={c.id} data-testid={`final-${c.code}`}>
                        <Table.Td w={24}>{c.kind === 'diagnosis' && c.sequence === 1 ? <Tooltip label={enc.setting === 'inpatient' ? 'Principal diagnosis' : 'First-listed diagnosis'}><Text size="xs" fw={800} c="blue">1</Text></Tooltip> : c.sequence}</Table.Td>
                        <Table.Td w={editing?.id === c.id ? 170 : 70} className="mono" fw={600}>
                          {editing?.id === c.id ? (
                            <Group gap={2} wrap="nowrap">
                              <TextInput size="xs" w={90} value={editing.value} autoFocus aria-label={`new code for ${c.code}`} onChange={(e) => setEditing({ id: c.id, value: e.currentTarget.value.toUpperCase() })}
                                onKeyDown={(e) => { if (e.key === 'Escape') setEditing(null); }} />
                              <Button size="compact-xs" onClick={() => { const v = editing.value; setEditing(null); void act((version) => api.updateCode(id, c.id, { version, code: v }), `${c.code} changed to ${v}.`); }}>Save</Button>
                            </Group>
                          ) : (
                            <Tooltip label={editable ? 'Click to change the code' : c.system} disabled={!editable}>
                              <span style={{ cursor: editable ? 'text' : undefined }} onClick={() => editable && setEditing({ id: c.id, value: c.code })}>{c.code}</span>
                            </Tooltip>
                          )}
                        </Table.Td>
                        <Table.Td><Text size="xs">{c.title}</Text></Table.Td>
                        <Table.Td w={70}>
                          {c.kind === 'diagnosis' && (enc.setting === 'inpatient' || c.poa) ? (
                            <Select size="xs" w={64} placeholder="POA" value={c.poa} disabled={!editable} data={POA} aria-label={`POA ${c.code}`} onChange={(v) => void act((version) => api.updateCode(id, c.id, { version, poa: v }))} />
                          ) : null}
                        </Table.Td>
                        <Table.Td w={84}>
                          {editable && (
                            <Group gap={2} wrap="nowrap">
                              <ActionIcon size="sm" variant="subtle" aria-label="up" onClick={() => move(c.id, -1)}>↑</ActionIcon>
                              <ActionIcon size="sm" variant="subtle" aria-label="down" onClick={() => move(c.id, 1)}>↓</ActionIcon>
                              <ActionIcon size="sm" variant="subtle" color="red" aria-label={`remove ${c.code}`} onClick={() => void act((version) => api.removeCode(id, c.id, version))}>✕</ActionIcon>
                            </Group>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                    {d.finalCodes.length === 0 && <Table.Tr><Table.Td><Text size="xs" c="dimmed">Accept suggestions or add codes.</Text></Table.Td></Table.Tr>}
                  </Table.Tbody>
                </Table>
                {editable && (
                  <Group gap="xs" mt="xs" wrap="nowrap">
                    <Select w={110} value={addSystem} onChange={(v) => v && setAddSystem(v)} data={[{ value: 'icd10cm', label: 'ICD-10-CM' }, { value: 'icd10pcs', label: 'ICD-10-PCS' }, { value: 'hcpcs', label: 'HCPCS' }, { value: 'cpt', label: 'CPT' }]} />
                    <TextInput placeholder="Code" w={110} value={addCode} onChange={(e) => setAddCode(e.currentTarget.value.toUpperCase())} data-testid="add-code-input" />
                    <Button variant="light" disabled={!addCode} data-testid="add-code" onClick={() => void act((version) => api.addCode(id, { version, system: addSystem, code: addCode }), `${addCode} added.`).then(() => setAddCode(''))}>Add code</Button>
                  </Group>
                )}
              </Tabs.Panel>

              <Tabs.Panel value="edits" pt="xs">
                <Group justify="space-between" mb="xs">
                  <Text size="xs" c="dimmed">The claim scrubber checks the final codes: code validity, ICD-10-CM instructions, MCE, POA, NCCI, MUE, add-on codes, medical necessity.</Text>
                  {editable && <Button variant="light" data-testid="run-edits" onClick={() => void act((version) => api.runEdits(id, { version }))}>Run edits</Button>}
                </Group>
                {d.edits.length === 0 && <Text size="xs" c="dimmed">{finalized ? 'No findings: the claim scrubber passed the final codes.' : 'No findings. Run the edits after changing codes.'}</Text>}
                <Stack gap={6}>
                  {d.edits.map((f) => (
                    <Paper key={f.id} withBorder p={6} data-testid={`finding-${f.rule}`} opacity={f.status === 'open' ? 1 : 0.55}>
                      <Group gap={6} mb={4}>
                        <Badge size="xs" color={f.severity === 'error' ? 'red' : 'yellow'}>{f.severity}</Badge>
                        {f.layer && <Badge size="xs" variant="outline" color="gray">{LAYER_LABEL[f.layer] ?? f.layer}</Badge>}
                        <Text size="xs" className="mono" c="dimmed">{f.rule}</Text>
                        {f.status !== 'open' && <Badge size="xs" color="green" variant="light">{f.status}</Badge>}
                      </Group>
                      <Text size="xs">{f.message}</Text>
                      {f.advice && <Text size="xs" c="blue.8" mt={2} data-testid="finding-advice">{f.advice}</Text>}
                      {f.source && <Text size="xs" c="dimmed" mt={2}>Source: {f.source}</Text>}
                      {f.status === 'open' && editable && (
                        <Group gap={4} mt={4}>
                          {f.fixes.map((x, i) => (
                            <Button key={i} size="compact-xs" variant="light" data-testid={`fix-${f.rule}-${i}`} onClick={() => void act((version) => api.fix(id, f.id, { version, fix: i }), `Fixed: ${x.label}`)}>{x.label}</Button>
                          ))}
                        </Group>
                      )}
                    </Paper>
                  ))}
                </Stack>
              </Tabs.Panel>

              <Tabs.Panel value="queries" pt="xs">
                <Stack gap={6}>
                  {d.queries.map((q) => (
                    <Paper key={q.id} withBorder p={6}>
                      <Group gap={6}>
                        <Badge size="xs" color={q.status === 'open' ? 'orange' : q.status === 'answered' ? 'blue' : 'gray'}>{q.status}</Badge>
                        {q.code && <Text size="xs" className="mono">{q.code}</Text>}
                        <Text size="xs" c="dimmed">{q.createdBy} · {q.createdAt.slice(0, 16).replace('T', ' ')}</Text>
                      </Group>
                      <Text size="xs" mt={4}>{q.question}</Text>
                      {q.answer && <Text size="xs" mt={4} c="blue">Answer: {q.answer}</Text>}
                    </Paper>
                  ))}
                  {canCode && !finalized && (
                    <Paper withBorder p={6}>
                      <Text size="xs" fw={600} mb={4}>Query the provider</Text>
                      <Select placeholder="About a code (optional: leave empty for a documentation gap)" clearable value={queryCode} onChange={setQueryCode}
                        data={[...new Set([...d.suggestions.map((s) => s.code), ...d.finalCodes.map((c) => c.code)])]} mb={4} />
                      <Textarea autosize minRows={3} placeholder="What is unclear in the documentation?" value={queryText} onChange={(e) => setQueryText(e.currentTarget.value)} data-testid="query-text" />
                      <Button mt={4} disabled={queryText.length < 5} data-testid="send-query" onClick={() => void act(() => api.createQuery(id, { ...(queryCode ? { code: queryCode } : {}), question: queryText }), 'Query sent to the provider.').then(() => setQueryText(''))}>Send query</Button>
                    </Paper>
                  )}
                </Stack>
              </Tabs.Panel>

              <Tabs.Panel value="search" pt="xs">
                <SearchPanel date={enc.serviceFrom} disabled={!editable} onAdd={(system, code) => void act((version) => api.addCode(id, { version, system, code }), `${code} added.`)} />
              </Tabs.Panel>
            </Tabs>
          </Paper>
        </Grid.Col>
      </Grid>

      <Modal opened={!!rejecting} onClose={() => setRejecting(null)} title={rejecting ? `Reject ${rejecting.code}` : ''} size="sm">
        <Stack gap="xs">
          <Select label="Reason" data={REJECT_REASONS} value={rejectReason} onChange={(v) => v && setRejectReason(v)} allowDeselect={false} searchable={false} />
          <Textarea label="Or say why" value={rejectReason} onChange={(e) => setRejectReason(e.currentTarget.value)} />
          <Button color="red" data-testid="confirm-reject" disabled={!rejectReason.trim()} onClick={() => { const s = rejecting!; setRejecting(null); void act((version) => api.reject(id, s.id, { version, reason: rejectReason })); }}>Reject</Button>
        </Stack>
      </Modal>
    </Stack>
  );
}
