import { useEffect, useState } from 'react';
import { AppShell, Badge, Button, Group, Loader, MantineProvider, NavLink, Stack, Text, createTheme } from '@mantine/core';
import { api, setCsrf, type UserOut } from './api';
import { navigate, usePath } from './router';
import { LoginPage } from './pages/Login';
import { WorklistPage } from './pages/Worklist';
import { EncounterPage } from './pages/Encounter';
import { QueriesPage } from './pages/Queries';
import { AuditsPage } from './pages/Audits';
import { DashboardPage } from './pages/Dashboard';
import { UsersPage } from './pages/Users';

const theme = createTheme({
  primaryColor: 'blue',
  fontFamily: 'Inter, "Liberation Sans", "DejaVu Sans", Arial, sans-serif',
  defaultRadius: 'sm',
  components: {
    Button: { defaultProps: { size: 'xs' } },
    TextInput: { defaultProps: { size: 'xs' } },
    Select: { defaultProps: { size: 'xs' } },
    Textarea: { defaultProps: { size: 'xs' } },
    Table: { defaultProps: { fz: 'xs', verticalSpacing: 4, horizontalSpacing: 'xs' } },
  },
});

export type Me = UserOut;

const NAV: Array<{ path: string; label: string; roles: string[] }> = [
  { path: '/worklist', label: 'Worklist', roles: ['coder', 'manager', 'auditor', 'admin'] },
  { path: '/queries', label: 'Provider queries', roles: ['coder', 'manager'] },
  { path: '/audits', label: 'Audits', roles: ['coder', 'auditor', 'manager'] },
  { path: '/dashboard', label: 'Dashboard', roles: ['manager', 'auditor', 'admin'] },
  { path: '/users', label: 'Users', roles: ['admin'] },
];

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const path = usePath();
  useEffect(() => {
    api.session().then(
      (s) => {
        setCsrf(s.csrfToken);
        setMe(s.user);
      },
      () => setMe(null),
    );
  }, []);

  let page: React.ReactNode = null;
  if (me === undefined) page = <Loader m="xl" />;
  else if (me === null) page = <LoginPage onLogin={(s) => { setCsrf(s.csrfToken); setMe(s.user); if (window.location.pathname === '/' || window.location.pathname === '/login') navigate('/worklist'); }} />;
  else {
    const m = /^\/encounters\/(\d+)/.exec(path);
    if (m) page = <EncounterPage id={Number(m[1])} me={me} />;
    else if (path.startsWith('/queries')) page = <QueriesPage me={me} />;
    else if (path.startsWith('/audits')) page = <AuditsPage me={me} />;
    else if (path.startsWith('/dashboard')) page = <DashboardPage />;
    else if (path.startsWith('/users')) page = <UsersPage />;
    else page = <WorklistPage me={me} />;
  }

  return (
    <MantineProvider theme={theme}>
      {me ? (
        <AppShell header={{ height: 44 }} navbar={{ width: 170, breakpoint: 0 }} padding="sm">
          <AppShell.Header>
            <Group h="100%" px="sm" justify="space-between">
              <Group gap="xs">
                <Text fw={700} size="sm">medcoder</Text>
                <Text size="xs" c="dimmed">coder workstation</Text>
              </Group>
              <Group gap="xs">
                <Text size="xs" data-testid="whoami">{me.displayName}</Text>
                <Badge size="xs" variant="light">{me.role}</Badge>
                <Button variant="subtle" onClick={() => void api.logout().finally(() => { setMe(null); navigate('/login'); })}>Log out</Button>
              </Group>
            </Group>
          </AppShell.Header>
          <AppShell.Navbar p={4}>
            <Stack gap={0}>
              {NAV.filter((n) => n.roles.includes(me.role)).map((n) => (
                <NavLink key={n.path} label={n.label} active={path.startsWith(n.path) || (n.path === '/worklist' && path.startsWith('/encounters'))} onClick={() => navigate(n.path)} style={{ borderRadius: 4 }} />
              ))}
              <NavLink label="API documentation" href="/docs" component="a" target="_blank" c="dimmed" />
            </Stack>
          </AppShell.Navbar>
          <AppShell.Main>{page}</AppShell.Main>
        </AppShell>
      ) : (
        page
      )}
    </MantineProvider>
  );
}
