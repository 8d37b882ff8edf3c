// Every change the host makes, as one stream: the JSON API's `GET /api/events` (server-sent events) and
// the inspector of a later issue read it. Each event has a kind and the id of what changed, numbered in
// order; the last 1000 are kept so that a client that reconnects with `Last-Event-ID` misses nothing recent.

/** One change. `kind` names what changed (`flyte.task`, `flyte.registry`, `activeworkflow.instance`, `process`, …). */
export interface HostEvent {
  /** Increasing from 1 in this run of the host. */
  readonly seq: number;
  readonly kind: string;
  /** The id of what changed: a task id, an instance name, a connector id. */
  readonly id: string;
  readonly at: string;
  readonly data: Record<string, unknown>;
}

export type HostEventListener = (event: HostEvent) => void;

/** The stream of changes, with a short replay buffer. */
export class EventBus {
  private seq = 0;
  private readonly recent: HostEvent[] = [];
  private readonly listeners = new Set<HostEventListener>();

  constructor(private readonly keep = 1000) {}

  emit(kind: string, id: string, data: Record<string, unknown> = {}): HostEvent {
    const event: HostEvent = { seq: ++this.seq, kind, id, at: new Date().toISOString(), data };
    this.recent.push(event);
    if (this.recent.length > this.keep) this.recent.splice(0, this.recent.length - this.keep);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** The events after `seq` still kept. */
  since(seq: number): HostEvent[] {
    return this.recent.filter((e) => e.seq > seq);
  }

  subscribe(listener: HostEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
