/** Where one server of the test environment runs: its port and private directory. */
export interface ServerSlot {
  port: number;
  dir: string;
  timeoutMs: number;
}

export interface RunningServer<Details> {
  details: Details;
  stop(): Promise<void>;
  /** SIGKILL, for tests of a server's crash. */
  kill(): Promise<void>;
}
