import { useEffect, useState } from 'react';
import { Button, Group, List, Popover, Text } from '@mantine/core';
import { api, type ClaimReadinessOut } from '../api';

/**
 * The claim of a finalized encounter: download the X12 837 (P or I) and, for
 * professional claims, the CMS-1500. When claim details are missing the
 * buttons are off and a click on the count lists what the 837 pre-flight asks for.
 */
export function ClaimDownloads({ encounterId, version }: { encounterId: number; version: number }) {
  const [claim, setClaim] = useState<ClaimReadinessOut | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.claim(encounterId).then(setClaim, (e: Error) => setError(e.message));
  }, [encounterId, version]);
  if (error) return <Text size="xs" c="red" data-testid="claim-error">{error}</Text>;
  if (!claim) return null;
  const errors = claim.issues.filter((i) => i.severity === 'error');
  return (
    <Group gap={4} wrap="nowrap" data-testid="claim-downloads">
      <Button component="a" size="compact-sm" variant="light" href={claim.ready ? api.claimFile(encounterId, '837') : undefined} download data-disabled={!claim.ready || undefined}
        onClick={(e) => { if (!claim.ready) e.preventDefault(); }} data-testid="download-837">
        {claim.guide} ⬇
      </Button>
      {claim.cms1500 && (
        <Button component="a" size="compact-sm" variant="light" href={claim.ready ? api.claimFile(encounterId, 'cms1500') : undefined} download data-disabled={!claim.ready || undefined}
          onClick={(e) => { if (!claim.ready) e.preventDefault(); }} data-testid="download-cms1500">
          CMS-1500 ⬇
        </Button>
      )}
      {!claim.ready && (
        <Popover width={380} shadow="md" position="bottom-end" withArrow>
          <Popover.Target>
            <Button size="compact-sm" variant="subtle" color="orange" data-testid="claim-missing">{errors.length} claim detail{errors.length === 1 ? '' : 's'} missing</Button>
          </Popover.Target>
          <Popover.Dropdown>
            <Text size="xs" fw={600} mb={4}>The {claim.guide} cannot be written yet:</Text>
            <List size="xs" spacing={2}>
              {errors.map((i) => <List.Item key={`${i.field}|${i.rule}`}><span className="mono">{i.field.replace(/^claim\./, '')}</span>: {i.message}</List.Item>)}
            </List>
          </Popover.Dropdown>
        </Popover>
      )}
    </Group>
  );
}
