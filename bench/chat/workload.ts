import { machineBusyMs, machineSettled, processCpuMs, type NamedProcess } from '../machine-cpu.js';
import { summarise, type RunStats } from '../stats.js';

/** The chat benchmark's shape: N clients in M rooms, every message delivered to its room's members. */
export const shape = { rooms: 10, membersPerRoom: 5, messagesPerClient: 40 };

/** One system under the chat benchmark. */
export interface Workload {
  /** Starts one client per (room, member); resolves once the client listens and can send. */
  connect(
    room: number,
    member: number,
    onDeliver: (text: string) => void,
  ): Promise<(text: string) => Promise<void>>;
  close(): Promise<void>;
}

export type ChatRun = RunStats & {
  delivered: number;
  /** CPU the whole machine spent per message sent, from the first send to the last delivery. */
  cpuMsPerMessage: number;
  /** The same per process, summed by label, for the processes the run was given. */
  cpuMsPerMessageOf: Record<string, number>;
};

export interface RunOptions {
  /** Sends per second over all clients; unpaced (each client as fast as it is answered) without. */
  messagesPerSecond?: number;
  /** Messages each client sends (the shape's when not given). */
  messagesPerClient?: number;
  /** Processes whose CPU per message the run reports (the load generator's own is always counted). */
  processes?: NamedProcess[];
}

/** Each client sends its messages one after another; each delivery's latency is measured from its send. */
export async function run(workload: Workload, options: RunOptions = {}): Promise<ChatRun> {
  const { rooms, membersPerRoom } = shape;
  const messagesPerClient = options.messagesPerClient ?? shape.messagesPerClient;
  const pace = options.messagesPerSecond;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const senders: ((text: string) => Promise<void>)[] = [];
  for (let r = 0; r < rooms; r++) {
    for (let m = 0; m < membersPerRoom; m++) {
      senders.push(
        await workload.connect(r, m, (text) => {
          const t = sentAt.get(text);
          if (t !== undefined) latencies.push(performance.now() - t);
        }),
      );
    }
  }
  const clients = senders.length;
  // Measured from a quiet machine: not while the setup's or the last run's work drains.
  if (!(await machineSettled())) console.log('(the machine did not settle within 20 s; measuring anyway)');
  const interval = pace ? (1000 * clients) / pace : 0;
  const processes = [{ label: 'load generator', pid: process.pid }, ...(options.processes ?? [])];
  const started = performance.now();
  const busyAtStart = machineBusyMs();
  const processCpuAtStart = processes.map((p) => processCpuMs(p.pid));
  await Promise.all(
    senders.map(async (send, c) => {
      for (let n = 0; n < messagesPerClient; n++) {
        const text = `c${c}-m${n}`;
        const due = started + n * interval + (c * interval) / clients;
        if (pace && performance.now() < due) await new Promise((r) => setTimeout(r, due - performance.now()));
        sentAt.set(text, performance.now());
        await send(text);
      }
    }),
  );
  const expected = clients * messagesPerClient * membersPerRoom;
  const deadline = Date.now() + 30_000;
  while (latencies.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const stats = summarise(latencies, (performance.now() - started) / 1000);
  const sent = clients * messagesPerClient;
  const cpuMsPerMessage = (machineBusyMs() - busyAtStart) / sent;
  const cpuMsPerMessageOf: Record<string, number> = {};
  processes.forEach(({ label, pid }, i) => {
    cpuMsPerMessageOf[label] =
      (cpuMsPerMessageOf[label] ?? 0) + (processCpuMs(pid) - processCpuAtStart[i]!) / sent;
  });
  await workload.close();
  return { ...stats, delivered: latencies.length, cpuMsPerMessage, cpuMsPerMessageOf };
}
