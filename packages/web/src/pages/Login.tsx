import { useState } from 'react';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { api, ApiError, type SessionOut } from '../api';

export function LoginPage({ onLogin }: { onLogin: (s: SessionOut) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await api.login(username, password));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The server did not answer.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Center h="100vh" bg="gray.1">
      <Paper withBorder shadow="sm" p="lg" w={340}>
        <form onSubmit={(e) => void submit(e)}>
          <Stack gap="sm">
            <div>
              <Title order={3}>medcoder</Title>
              <Text size="xs" c="dimmed">Coder workstation — sign in</Text>
            </div>
            {error && <Alert color="red" p="xs" data-testid="login-error">{error}</Alert>}
            <TextInput label="Username" name="username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} autoFocus required size="sm" />
            <PasswordInput label="Password" name="password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required size="sm" />
            <Button type="submit" loading={busy} size="sm">Sign in</Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
