import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, Paper, PasswordInput, Select, Stack, Switch, Table, TextInput, Title } from '@mantine/core';
import { api, type UserOut } from '../api';

/** Administrators: the team's accounts and roles. */
export function UsersPage() {
  const [users, setUsers] = useState<UserOut[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [form, setForm] = useState({ username: '', displayName: '', role: 'coder', password: '' });
  const load = () => api.users().then(setUsers, (e: Error) => setError(e.message));
  useEffect(() => {
    void load();
  }, []);
  const create = () =>
    api.createUser(form).then(() => {
      setForm({ username: '', displayName: '', role: 'coder', password: '' });
      setError(null);
      return load();
    }, (e: Error) => setError(e.message));
  return (
    <Stack gap="xs">
      <Title order={4}>Users</Title>
      {error && <Alert color="red" withCloseButton onClose={() => setError(null)}>{error}</Alert>}
      <Paper withBorder p="xs">
        <Group gap="xs" align="end">
          <TextInput label="Username" value={form.username} onChange={(e) => setForm({ ...form, username: e.currentTarget.value })} />
          <TextInput label="Name" value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.currentTarget.value })} />
          <Select label="Role" w={120} value={form.role} onChange={(v) => v && setForm({ ...form, role: v })} data={['coder', 'auditor', 'manager', 'admin']} />
          <PasswordInput label="Password (10+ characters)" size="xs" value={form.password} onChange={(e) => setForm({ ...form, password: e.currentTarget.value })} />
          <Button onClick={() => void create()} disabled={!form.username || !form.displayName || form.password.length < 10}>Add user</Button>
        </Group>
      </Paper>
      <Paper withBorder>
        <Table striped>
          <Table.Thead><Table.Tr><Table.Th>Username</Table.Th><Table.Th>Name</Table.Th><Table.Th>Role</Table.Th><Table.Th>Active</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {users.map((u) => (
              <Table.Tr key={u.id}>
                <Table.Td className="mono">{u.username}</Table.Td>
                <Table.Td>{u.displayName}</Table.Td>
                <Table.Td>
                  <Select size="xs" w={120} value={u.role} data={['coder', 'auditor', 'manager', 'admin']} onChange={(v) => v && void api.updateUser(u.id, { role: v }).then(load, (e: Error) => setError(e.message))} />
                </Table.Td>
                <Table.Td>
                  <Group gap={6}>
                    <Switch size="xs" checked={u.active} onChange={(e) => void api.updateUser(u.id, { active: e.currentTarget.checked }).then(load, (err: Error) => setError(err.message))} />
                    {!u.active && <Badge size="xs" color="gray">inactive</Badge>}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
