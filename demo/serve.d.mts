// Types for serve.mjs, which stays plain JavaScript so `node demo/serve.mjs` runs without a build.
export interface DemoServer {
  /** Base URL of the running site, ending with a slash. */
  url: string;
  close(): Promise<void>;
}

/** Hub mode: where the hub is, and how to sign a development token for a page. */
export interface DemoHub {
  /** The hub's WebSocket URL; the Content-Security-Policy allows its origin. */
  wsUrl: string;
  /** Signs a development token for `?sub=&name=&role=[&visit=]`; throws a RangeError for a bad request. */
  mintToken(params: URLSearchParams): Promise<string>;
}

export declare function startDemo(options?: {
  port?: number;
  host?: string;
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
  hub?: DemoHub;
}): Promise<DemoServer>;

export declare function demoPages(url: string, options?: { hub?: boolean }): Array<{ label: string; url: string }>;
