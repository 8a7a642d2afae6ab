import { useEffect, useState } from 'react';
import { Alert, Grid, Group, Paper, SimpleGrid, Text, Title } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, Cell, Pie, PieChart, ResponsiveContainer, Tooltip, XAxis, YAxis, Legend } from 'recharts';
import { api, type DashboardOut } from '../api';
import { STATUS_LABEL } from '../components/status';

function Card({ title, children, h = 220 }: { title: string; children: React.ReactNode; h?: number }) {
  return (
    <Paper withBorder p="xs" h={h + 36}>
      <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={4}>{title}</Text>
      <div style={{ height: h }}>{children}</div>
    </Paper>
  );
}

export function DashboardPage() {
  const [d, setD] = useState<DashboardOut | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.dashboard().then(setD, (e: Error) => setError(e.message));
  }, []);
  if (error) return <Alert color="red">{error}</Alert>;
  if (!d) return null;
  const acc = d.acceptance;
  const accData = [{ name: 'Accepted', value: acc.accepted }, { name: 'Rejected', value: acc.rejected }, { name: 'Not reviewed', value: acc.pending }];
  const accuracy = d.accuracy.map((c) => ({ coder: c.coder, precision: Math.round(c.precision * 100), recall: Math.round(c.recall * 100) }));
  return (
    <>
      <Group justify="space-between" mb="xs">
        <Title order={4}>Dashboard</Title>
        <Text size="xs" c="dimmed">last 30 days</Text>
      </Group>
      <SimpleGrid cols={5} spacing="xs" mb="xs" data-testid="status-cards">
        {Object.entries(STATUS_LABEL).map(([k, label]) => (
          <Paper key={k} withBorder p="xs">
            <Text size="xs" c="dimmed">{label}</Text>
            <Text size="xl" fw={700}>{d.statusCounts[k] ?? 0}</Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Grid gap="xs">
        <Grid.Col span={6}>
          <Card title="Encounters coded per day">
            <ResponsiveContainer>
              <BarChart data={d.codedPerDay}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="day" fontSize={11} />
                <YAxis allowDecimals={false} fontSize={11} />
                <Tooltip />
                <Bar maxBarSize={48} dataKey="count" name="Finalized" fill="#228be6" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </Card>
        </Grid.Col>
        <Grid.Col span={6}>
          <Card title={`Acceptance of suggestions${acc.rate !== null ? `: ${Math.round(acc.rate * 100)}%` : ''}`}>
            <ResponsiveContainer>
              <PieChart>
                <Pie data={accData} dataKey="value" nameKey="name" innerRadius={50} outerRadius={80} isAnimationActive={false} label={{ fontSize: 11 }}>
                  {['#40c057', '#fa5252', '#ced4da'].map((c) => <Cell key={c} fill={c} />)}
                </Pie>
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Tooltip />
              </PieChart>
            </ResponsiveContainer>
          </Card>
        </Grid.Col>
        <Grid.Col span={6}>
          <Card title="Accuracy from audits (code-level, %)">
            <ResponsiveContainer>
              <BarChart data={accuracy}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="coder" fontSize={11} />
                <YAxis domain={[0, 100]} fontSize={11} />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 11 }} />
                <Bar maxBarSize={40} dataKey="precision" name="Precision" fill="#15aabf" isAnimationActive={false} />
                <Bar maxBarSize={40} dataKey="recall" name="Recall" fill="#7950f2" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </Card>
        </Grid.Col>
        <Grid.Col span={6}>
          <Card title="Top edit findings">
            <ResponsiveContainer>
              <BarChart data={d.topEdits} layout="vertical" margin={{ left: 60 }}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" allowDecimals={false} fontSize={11} />
                <YAxis type="category" dataKey="rule" fontSize={10} width={150} />
                <Tooltip />
                <Bar maxBarSize={28} dataKey="count" name="Findings" fill="#fd7e14" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </Card>
        </Grid.Col>
      </Grid>
    </>
  );
}
