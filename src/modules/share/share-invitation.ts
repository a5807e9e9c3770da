import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const CODE_DIGITS = 6;

/**
 * Share links and confirmation codes. Neither is stored: both are HMACs of the share id and a
 * random nonce kept on the share, under a key derived from the server secret. So the sharer can
 * copy the same link again, re-sending replaces the code (new nonce), and a database leak reveals
 * no usable link or code.
 */
export class ShareInvitations {
  private readonly key: Buffer;

  constructor(
    serverSecret: Uint8Array,
    private readonly publicUrl: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, Buffer.alloc(0), 'devshare share invitations', 32));
  }

  static newNonce(): string {
    return randomBytes(16).toString('base64url');
  }

  private mac(purpose: string, shareId: string, nonce: string): Buffer {
    return createHmac('sha256', this.key).update(`${purpose}:${shareId}:${nonce}`).digest();
  }

  token(share: { id: string; linkNonce: string }): string {
    return `${share.id}.${this.mac('link', share.id, share.linkNonce).toString('base64url')}`;
  }

  link(share: { id: string; linkNonce: string }): string {
    return `${this.publicUrl}/shares/accept?token=${encodeURIComponent(this.token(share))}`;
  }

  code(share: { id: string; codeNonce: string }): string {
    const value = this.mac('code', share.id, share.codeNonce).readUInt32BE(0) % 10 ** CODE_DIGITS;
    return value.toString().padStart(CODE_DIGITS, '0');
  }

  /** The share id a token names, if the token has the right shape (it still has to be verified). */
  static shareIdOf(token: string): string | null {
    const [shareId, mac] = token.split('.');
    return shareId && mac ? shareId : null;
  }

  verifyToken(share: { id: string; linkNonce: string }, token: string): boolean {
    return safeEqual(this.token(share), token);
  }

  verifyCode(share: { id: string; codeNonce: string }, code: string): boolean {
    return safeEqual(this.code(share), code.trim());
  }
}

function safeEqual(expected: string, actual: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}
