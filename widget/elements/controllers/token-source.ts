// Where a hub-mode element gets its token: `getToken` if the host set one, else the `token`
// attribute. Shared by <clinic-chat>'s and <clinic-chat-inbox>'s sessions.

export interface TokenHost {
  token?: string;
  getToken?: () => string | Promise<string>;
}

/** Reads the host at every call, so a new `getToken` (or `token`) is used at the next connect or refresh. */
export function tokenSource(host: TokenHost): () => string | Promise<string> {
  return () => (host.getToken ?? (() => host.token ?? ''))();
}

/** The first token, or undefined when the source throws or rejects. */
export async function firstToken(source: () => string | Promise<string>): Promise<string | undefined> {
  try {
    return await source();
  } catch {
    return undefined;
  }
}
