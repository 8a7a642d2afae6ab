import { Badge } from '@mantine/core';

export const STATUS_LABEL: Record<string, string> = { pending: 'Pending coding', ready: 'Ready', in_progress: 'In progress', query: 'Query open', finalized: 'Finalized' };
const COLOR: Record<string, string> = { pending: 'gray', ready: 'blue', in_progress: 'yellow', query: 'orange', finalized: 'green' };

export function StatusBadge({ status }: { status: string }) {
  return <Badge size="xs" variant="light" color={COLOR[status] ?? 'gray'}>{STATUS_LABEL[status] ?? status}</Badge>;
}

export const SETTING_LABEL: Record<string, string> = { inpatient: 'Inpatient', outpatient: 'Outpatient', emergency: 'Emergency', professional: 'Professional' };
