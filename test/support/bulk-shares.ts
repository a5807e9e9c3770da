import { randomBytes, randomUUID } from 'node:crypto';
import { SharedDeviceStatus, ShareStatus } from '../../src/modules/share/share-lifecycle';
import { Permission } from '../../src/modules/device/device-permissions';
import { Share, SharedDevice } from '../../src/modules/share/share.entity';
import type { Session, TestServer } from './test-server';

const INSERT_CHUNK = 500;

/**
 * Writes `count` shares of one sharer straight into the database, each with one device: the API
 * would take minutes for the thousands that benchmarks and bulk tests need. Each share is ACTIVE
 * (or what `shape` makes it) and addressed to `recipientEmail`; `shape(i)` changes share i.
 */
export async function insertShares(
  server: TestServer,
  {
    sharer,
    enterpriseId,
    count,
    recipientEmail,
    shape = () => ({}),
  }: {
    sharer: Session;
    enterpriseId: string;
    count: number;
    recipientEmail: (i: number) => string;
    shape?: (i: number) => Partial<Share>;
  },
): Promise<void> {
  const now = new Date();
  const shares: Share[] = [];
  const devices: SharedDevice[] = [];
  for (let i = 0; i < count; i++) {
    const share = Object.assign(new Share(), {
      id: randomUUID(),
      enterpriseId,
      sharerId: sharer.account.id,
      recipientEmail: recipientEmail(i),
      recipientId: null,
      receivingEnterpriseId: null,
      permissions: [Permission.MONITOR],
      expiresAt: null,
      invitationExpiresAt: now,
      description: null,
      status: ShareStatus.ACTIVE,
      linkNonce: randomBytes(16).toString('hex'),
      codeNonce: randomBytes(16).toString('hex'),
      codeFailures: 0,
      createdAt: now,
      updatedAt: now,
      acceptedAt: now,
      expiryWarnedAt: null,
      endedAt: null,
      ...shape(i),
    });
    shares.push(share);
    devices.push(
      Object.assign(new SharedDevice(), {
        id: randomUUID(),
        shareId: share.id,
        enterpriseId: share.enterpriseId,
        deviceId: randomUUID(),
        status: share.status === ShareStatus.PENDING ? SharedDeviceStatus.PENDING : SharedDeviceStatus.ACTIVE,
        addedAt: now,
        endedAt: null,
      }),
    );
  }
  // Straight through the writing connection (the app's reads go through a read-only one).
  const manager = server.app.db.dataSource.manager;
  for (let i = 0; i < count; i += INSERT_CHUNK) {
    await manager.insert(Share, shares.slice(i, i + INSERT_CHUNK));
    await manager.insert(SharedDevice, devices.slice(i, i + INSERT_CHUNK));
  }
}
