// The browser side of WebAuthn: the server's options (binary fields in base64url) become the
// arguments of navigator.credentials, and the credential the browser returns becomes JSON with
// base64url fields again, as Proxmox's API takes it.
const decode = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const encode = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function credentialJSON(credential, fields) {
  const response = {};
  for (const field of fields) if (credential.response[field]) response[field] = encode(credential.response[field]);
  return { id: credential.id, rawId: encode(credential.rawId), type: credential.type, response };
}

/** Login: answers `{publicKey: ...}` request options. */
export async function webauthnGet(options) {
  const publicKey = { ...options.publicKey, challenge: decode(options.publicKey.challenge) };
  publicKey.allowCredentials = (publicKey.allowCredentials || []).map((item) => ({ ...item, id: decode(item.id) }));
  const credential = await navigator.credentials.get({ publicKey });
  return credentialJSON(credential, ['authenticatorData', 'clientDataJSON', 'signature', 'userHandle']);
}

/** Registration: answers `{publicKey: ...}` creation options. */
export async function webauthnCreate(options) {
  const publicKey = { ...options.publicKey, challenge: decode(options.publicKey.challenge) };
  publicKey.user = { ...publicKey.user, id: decode(publicKey.user.id) };
  publicKey.excludeCredentials = (publicKey.excludeCredentials || []).map((item) => ({ ...item, id: decode(item.id) }));
  const credential = await navigator.credentials.create({ publicKey });
  return credentialJSON(credential, ['attestationObject', 'clientDataJSON']);
}
