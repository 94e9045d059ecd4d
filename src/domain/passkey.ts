/**
 * A WebAuthn credential (a passkey) registered to a user. The public key is public; what keeps a stolen
 * database from signing in is that it holds no private key. `counter` is the authenticator's signature
 * counter (0 when the authenticator keeps none, as synced passkeys do).
 */
export interface PasskeyCredential {
  /** the credential id, base64url (as the authenticator gives it) */
  id: string;
  userId: string;
  /** the COSE public key, base64url */
  publicKey: string;
  counter: number;
  /** how the browser may reach the authenticator (usb, nfc, ble, internal, hybrid) */
  transports: string[];
  /** true when the credential is backed up (synced between devices): `swk`; false: bound to one device, `hwk` */
  backedUp: boolean;
  /** the name the user gave it on the account page */
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export type PasskeyChallengePurpose = 'register' | 'authenticate';

/**
 * A WebAuthn challenge handed to the browser, kept on the server (as its SHA-256) until it is answered
 * once. `binding` names what it belongs to: `interaction:<id>` (a sign-in) or `session:<sid>` (the account page).
 */
export interface PasskeyChallenge {
  challengeHash: string;
  purpose: PasskeyChallengePurpose;
  binding: string;
  /** the user it was issued for (registration, second factor), or null (passwordless: anyone's passkey) */
  userId: string | null;
  expiresAt: number;
}

/** The RFC 8176 method a passkey proves: a synced (backed-up) key is software-held `swk`, a device-bound one `hwk`. */
export function passkeyMethod(backedUp: boolean): 'hwk' | 'swk' {
  return backedUp ? 'swk' : 'hwk';
}
