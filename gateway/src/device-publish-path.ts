import type { Duplex } from 'node:stream';
import type { Client } from 'aedes';

/** The parts of aedes' client (lib/client.js) and of its mqtt-packet parser this path works with. */
interface ClientInternals {
  conn: Duplex;
  connected: boolean;
  closed: boolean;
  /** Packets handed to aedes' handlers and not finished; the next read waits for 0. */
  _parsingBatch: number;
  /** Finishes one packet (aedes' `done`); reads and parses the next chunk once none is left. */
  _nextBatch: (error?: Error) => void;
  _keepaliveInterval: number;
  _keepaliveTimer: NodeJS.Timeout | null;
  _parser: MqttParser;
  waitForDrain(callback: (error: Error | null) => void): void;
}

interface MqttParser {
  parse(chunk: Buffer): number;
  /** Bytes buffered and the state of the packet in progress: both 0 between packets. */
  _list: { length: number };
  _stateCounter: number;
}

/** A publish the short path took: where it came from and what it carried. */
export interface ShortPathPublish {
  /** Index into `topics` of the topic it was published on. */
  topicIndex: number;
  /** A view of the bytes read from the connection: copy it to keep it beyond the call. */
  payload: Buffer;
}

export interface DevicePublishPathOptions {
  /** The only topics the short path takes (a device's durable ones, exactly as published). */
  topics: readonly string[];
  /**
   * Asked for each publish before it goes the short way: false sends it through aedes as
   * before (the connection superseded, a subscriber that needs the publish pipeline, a stop).
   */
  open: () => boolean;
  /** Takes the publish; `done` (once, perhaps later) acknowledges it or closes the connection. */
  accept: (publish: ShortPathPublish, done: (error?: Error) => void) => void;
}

/** PUBLISH, QoS 1, not retained (the DUP flag may be set): type, QoS and retain bits. */
const PUBLISH_QOS1 = 0x32;
const PUBLISH_QOS1_MASK = 0xf7;
const PUBACK = 0x40;
const MAX_LENGTH_BYTES = 4;

/**
 * The short path of a device connection: a device's QoS 1 publish on one of its durable topics is
 * framed, checked and handed to `accept` here, and its PUBACK written here, instead of going
 * through mqtt-packet's parser and aedes' handlers (a packet object, a BufferList copy of every
 * field, debug calls with their arguments, a series of callbacks, a PUBACK generated through a
 * corked stream and a setImmediate per message). Every other packet, and any publish the short
 * path does not take, is handed to aedes' parser as before, whole and in order: aedes still
 * owns the connection, its keep-alive (refreshed here as aedes does for every packet), its
 * session and every other packet type.
 *
 * Back-pressure is aedes' own: each publish taken counts as a packet in progress
 * (`_parsingBatch`), so the next chunk is read only once every publish of this one is
 * acknowledged (or refused), and a PUBACK that fills the socket waits for it to drain.
 */
export class DevicePublishPaths {
  /** Connections with PUBACKs to write at the end of this turn. */
  private acking: DevicePublishPath[] = [];
  /** Connections whose acknowledged publishes finish in the next turn (aedes' setImmediate). */
  private finishing: DevicePublishPath[] = [];
  private finishScheduled = false;

  /**
   * Puts the short path in front of a connected client's parser. Call once the client is
   * connected (aedes' 'clientReady'); packets already queued in the parser stay with aedes.
   */
  install(client: Client, options: DevicePublishPathOptions): void {
    const path = new DevicePublishPath(client as unknown as ClientInternals, options, this);
    path.attach();
  }

  /** Called by a path with its first PUBACK of this turn. */
  scheduleAck(path: DevicePublishPath): void {
    if (this.acking.length === 0) process.nextTick(this.writeAcks);
    this.acking.push(path);
  }

  scheduleFinish(path: DevicePublishPath): void {
    this.finishing.push(path);
    if (this.finishScheduled) return;
    this.finishScheduled = true;
    setImmediate(this.finish);
  }

  private readonly writeAcks = (): void => {
    const acking = this.acking;
    this.acking = [];
    for (const path of acking) path.writeAcks();
  };

  private readonly finish = (): void => {
    this.finishScheduled = false;
    const finishing = this.finishing;
    this.finishing = [];
    for (const path of finishing) path.finishAcknowledged();
  };
}

class DevicePublishPath {
  private readonly topics: Buffer[];
  /** The start of a packet the last chunk ended in. */
  private rest?: Buffer;
  /** Message ids acknowledged and not yet written. */
  private acks: number[] = [];
  /** Publishes whose PUBACK is written, to finish in aedes' count in the next turn. */
  private written = 0;
  private parseWhole!: (chunk: Buffer) => number;

  constructor(
    private readonly client: ClientInternals,
    private readonly options: DevicePublishPathOptions,
    private readonly paths: DevicePublishPaths,
  ) {
    this.topics = options.topics.map((topic) => Buffer.from(topic, 'utf8'));
  }

  attach(): void {
    const parser = this.client._parser;
    this.parseWhole = parser.parse.bind(parser);
    parser.parse = (chunk: Buffer) => this.parse(chunk);
  }

  /** In place of mqtt-packet's `parse`: what aedes reads from the connection comes here. */
  private parse(chunk: Buffer): number {
    const parser = this.client._parser;
    if (parser._list.length > 0 || parser._stateCounter !== 0) {
      // mqtt-packet holds the start of a packet (given before this path was attached, or a
      // malformed length): it goes on until it is between packets again.
      return this.parseWhole(chunk);
    }
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    let at = 0;
    let taken = false;
    while (at < buf.length) {
      // The fixed header: a type byte and a remaining length of 1 to 4 bytes.
      let length = 0;
      let multiplier = 1;
      let i = at + 1;
      let complete = false;
      while (i < buf.length && i <= at + MAX_LENGTH_BYTES) {
        const byte = buf[i++];
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) {
        if (i > at + MAX_LENGTH_BYTES) {
          // Not MQTT: mqtt-packet reports the error and aedes closes the connection.
          return this.parseWhole(buf.subarray(at));
        }
        break;
      }
      const end = i + length;
      if (end > buf.length) break;
      if (this.take(buf, at, i, end)) taken = true;
      else this.parseWhole(buf.subarray(at, end));
      at = end;
      if (this.client.closed) return 0;
    }
    if (at < buf.length) this.rest = buf.subarray(at);
    // aedes refreshes the keep-alive for every packet it handles; these count as well.
    if (taken && this.client._keepaliveInterval > 0) this.client._keepaliveTimer?.refresh();
    return 0;
  }

  /** Takes a QoS 1 publish on one of the topics, or answers false (aedes handles the packet). */
  private take(buf: Buffer, at: number, body: number, end: number): boolean {
    if ((buf[at] & PUBLISH_QOS1_MASK) !== PUBLISH_QOS1) return false;
    const client = this.client;
    if (!client.connected || client.closed || end - body < 4) return false;
    const topicEnd = body + 2 + buf.readUInt16BE(body);
    // aedes speaks MQTT 3.1 and 3.1.1 (it refuses 5 at CONNECT): no properties to skip.
    const payloadStart = topicEnd + 2;
    if (payloadStart > end) return false;
    const messageId = buf.readUInt16BE(topicEnd);
    if (messageId === 0) return false;
    const topicIndex = this.topicAt(buf, body + 2, topicEnd);
    if (topicIndex < 0 || !this.options.open()) return false;
    // One more packet in progress for aedes: the next chunk waits until it is acknowledged.
    client._parsingBatch++;
    this.options.accept({ topicIndex, payload: buf.subarray(payloadStart, end) }, (error) => {
      if (error) client._nextBatch(error);
      else this.acknowledge(messageId);
    });
    return true;
  }

  private topicAt(buf: Buffer, start: number, end: number): number {
    for (let index = 0; index < this.topics.length; index++) {
      const topic = this.topics[index];
      if (topic.length === end - start && topic.compare(buf, start, end) === 0) return index;
    }
    return -1;
  }

  private acknowledge(messageId: number): void {
    if (this.acks.length === 0) this.paths.scheduleAck(this);
    this.acks.push(messageId);
  }

  /** Writes this turn's PUBACKs in one buffer, then finishes them as aedes' `write` does. */
  writeAcks(): void {
    const acks = this.acks;
    this.acks = [];
    const client = this.client;
    const conn = client.conn;
    if (client.closed || !conn.writable) {
      // aedes' write: "connection closed"; the packets still finish.
      for (let i = 0; i < acks.length; i++) client._nextBatch(new Error('connection closed'));
      return;
    }
    const out = Buffer.allocUnsafe(acks.length * 4);
    for (let i = 0; i < acks.length; i++) {
      out[i * 4] = PUBACK;
      out[i * 4 + 1] = 2;
      out.writeUInt16BE(acks[i], i * 4 + 2);
    }
    this.written += acks.length;
    if (conn.write(out)) {
      this.paths.scheduleFinish(this);
      return;
    }
    client.waitForDrain((error) => {
      if (error) client._nextBatch(error);
      else this.paths.scheduleFinish(this);
    });
  }

  /** aedes' `done` for every publish whose PUBACK is written: the next chunk is read at 0. */
  finishAcknowledged(): void {
    const count = this.written;
    if (count === 0) return;
    this.written = 0;
    const client = this.client;
    // As `count` calls of `_nextBatch`: each takes one off, the last may read the next chunk.
    client._parsingBatch -= count - 1;
    client._nextBatch();
  }
}
