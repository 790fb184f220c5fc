// Types for serve.mjs, which stays plain JavaScript so `node demo/serve.mjs` runs without a build.
export interface DemoServer {
  /** Base URL of the running site, ending with a slash. */
  url: string;
  close(): Promise<void>;
}

export declare function startDemo(options?: {
  port?: number;
  host?: string;
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
}): Promise<DemoServer>;

export declare function demoPages(url: string): Array<{ label: string; url: string }>;
