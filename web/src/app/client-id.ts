/** A client id for a write: a retry with the same id is stored once. */
export const newClientId = () => `w${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
