import type { Duplex } from 'node:stream';
import type { Client } from 'aedes';
import { deviceTopic, type DeviceChannel } from '../../contracts/src';

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

/** What the gateway decides for the short path; one for all connections. */
export interface DevicePublishPathPolicy {
  /**
   * Asked for each publish before it goes the short way: false sends it through aedes as
   * before (the connection superseded, a subscriber that needs the publish pipeline, a stop).
   */
  open(client: Client, deviceId: string): boolean;
  /**
   * Takes a publish on `topic`, the device's topic for `channels[topicIndex]`; `payload` is a view of the bytes read
   * (copy it to keep it beyond the call). `done` (once, perhaps later) acknowledges it or, with an
   * error, closes the connection.
   */
  accept(
    deviceId: string,
    topic: string,
    topicIndex: number,
    payload: Buffer,
    done: (error?: Error) => void,
  ): void;
}

/** PUBLISH, QoS 1, not retained (the DUP flag may be set): type, QoS and retain bits. */
const PUBLISH_QOS1 = 0x32;
const PUBLISH_QOS1_MASK = 0xf7;
const PUBACK = 0x40;
const MAX_LENGTH_BYTES = 4;
/**
 * The most publishes the short path takes in one turn of the event loop: a connection's packets
 * past it wait for the next turn. What ingest does with a turn's publishes takes about 25 µs each
 * on the machine of docs/benchmarks.md, so a turn stays within about 50 ms however many devices
 * send at once.
 */
export const DEFAULT_PUBLISHES_PER_TURN = 2_000;

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
 * Back-pressure is aedes' own: each publish taken counts in aedes' count of packets in progress
 * (`_parsingBatch`) until its PUBACK is written, so aedes decides when to read the socket on exactly
 * as it does for its own packets; a PUBACK that fills the socket waits for it to drain. And a turn
 * of the event loop takes at most `publishesPerTurn` publishes from all connections together: a
 * connection's packets past it are kept, in order, and it reads nothing more until they are taken
 * at the start of a later turn (the connections that waited longest first). Without it, a fleet
 * sending at once (10,000 devices, 20 publishes in flight each) had one turn take every publish
 * read, hundreds of thousands, and the event loop seconds late: keep-alives missed, timers late.
 */
export class DevicePublishPaths {
  /** Connections with PUBACKs to write at the end of this turn. */
  private acking: DevicePublishPath[] = [];
  /** Connections whose acknowledged publishes finish in the next turn (aedes' setImmediate). */
  private finishing: DevicePublishPath[] = [];
  private finishScheduled = false;
  /** Publishes taken in this turn (since `newTurn` last ran). */
  private takenThisTurn = 0;
  private newTurnScheduled = false;
  /** Connections whose packets wait for a turn with room, longest waiting first. */
  private waiting: DevicePublishPath[] = [];

  /**
   * channels: the device channels the short path takes (`telemetry`); publishesPerTurn: the most
   * publishes taken in one turn of the event loop.
   */
  constructor(
    readonly channels: readonly DeviceChannel[],
    readonly policy: DevicePublishPathPolicy,
    readonly publishesPerTurn = DEFAULT_PUBLISHES_PER_TURN,
  ) {
    if (!(publishesPerTurn >= 1)) throw new Error('publishesPerTurn must be at least 1');
  }

  /** Whether this turn may take another publish. */
  hasRoom(): boolean {
    return this.takenThisTurn < this.publishesPerTurn;
  }

  /** Counts a publish taken in this turn. */
  countTaken(): void {
    if (this.takenThisTurn++ === 0) this.scheduleNewTurn();
  }

  /** Keeps a connection's packets for a later turn. */
  wait(path: DevicePublishPath): void {
    this.waiting.push(path);
    this.scheduleNewTurn();
  }

  private scheduleNewTurn(): void {
    if (this.newTurnScheduled) return;
    this.newTurnScheduled = true;
    setImmediate(this.newTurn);
  }

  /** A new turn's room: the connections that waited take it first, in order. */
  private readonly newTurn = (): void => {
    this.newTurnScheduled = false;
    this.takenThisTurn = 0;
    const waiting = this.waiting;
    this.waiting = [];
    let next = 0;
    while (next < waiting.length && this.hasRoom()) waiting[next++].resume();
    // Those still waiting go ahead of any that had to wait again just now.
    if (next < waiting.length) this.waiting = waiting.slice(next).concat(this.waiting);
    if (this.waiting.length > 0) this.scheduleNewTurn();
  };

  /**
   * Puts the short path in front of a connected client's parser. Call once the client is
   * connected (aedes' 'clientReady'); packets already queued in the parser stay with aedes.
   */
  install(client: Client, deviceId: string): void {
    if (this.channels.length === 0) return;
    const internals = client as unknown as ClientInternals;
    const parser = internals._parser as ShortPathParser;
    parser[PATH] = new DevicePublishPath(internals, deviceId, this);
    parser.parse = shortPathParse;
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

const PATH = Symbol('devicePublishPath');
const NOTHING_READ = Buffer.alloc(0);
type ShortPathParser = MqttParser & { [PATH]: DevicePublishPath };

/** In place of mqtt-packet's `parse` (one function for every connection: `this` is the parser). */
function shortPathParse(this: ShortPathParser, chunk: Buffer): number {
  return this[PATH].parse(chunk);
}

/** mqtt-packet's own `parse`, for whatever the short path does not take. */
function parseWhole(parser: MqttParser, chunk: Buffer): number {
  return (Object.getPrototypeOf(parser) as MqttParser).parse.call(parser, chunk);
}

/** The short path's state for one connection: kept small, there is one per connected device. */
class DevicePublishPath {
  /** The start of a packet the last chunk ended in, or the packets waiting for a turn with room. */
  private rest?: Buffer;
  /** Whether `rest` waits for a turn with room (in `paths.waiting`). */
  private waiting = false;
  /** Message ids acknowledged and not yet written. */
  private acks?: number[];
  /** Publishes whose PUBACK is written, to finish in aedes' count in the next turn. */
  private written = 0;
  /** The device's topics for `paths.channels`, made with its first publish (`topicAt`). */
  private topics?: string[];

  constructor(
    private readonly client: ClientInternals,
    private readonly deviceId: string,
    private readonly paths: DevicePublishPaths,
  ) {}

  /** What aedes reads from the connection comes here. */
  parse(chunk: Buffer): number {
    const parser = this.client._parser;
    if (parser._list.length > 0 || parser._stateCounter !== 0) {
      // mqtt-packet holds the start of a packet (given before this path was attached, or a
      // malformed length): it goes on until it is between packets again.
      return parseWhole(parser, chunk);
    }
    if (this.waiting) {
      // aedes read on (a 'readable' counts as a finished packet for it): after what waits.
      this.rest = Buffer.concat([this.rest!, chunk]);
      return 0;
    }
    const buf = this.rest ? (chunk.length === 0 ? this.rest : Buffer.concat([this.rest, chunk])) : chunk;
    this.rest = undefined;
    const paths = this.paths;
    let at = 0;
    let taken = false;
    while (at < buf.length) {
      if (!paths.hasRoom()) {
        // This turn is full: the rest waits, and aedes reads nothing more meanwhile.
        this.rest = buf.subarray(at);
        this.waiting = true;
        this.client._parsingBatch++;
        paths.wait(this);
        break;
      }
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
          return parseWhole(parser, buf.subarray(at));
        }
        break;
      }
      const end = i + length;
      if (end > buf.length) break;
      if (this.take(buf, at, i, end)) taken = true;
      else parseWhole(parser, buf.subarray(at, end));
      at = end;
      if (this.client.closed) return 0;
    }
    if (at < buf.length && !this.waiting) this.rest = buf.subarray(at);
    // aedes refreshes the keep-alive for every packet it handles; these count as well.
    if (taken && this.client._keepaliveInterval > 0) this.client._keepaliveTimer?.refresh();
    return 0;
  }

  /** Takes a QoS 1 publish on one of the device's topics, or answers false (aedes handles it). */
  private take(buf: Buffer, at: number, body: number, end: number): boolean {
    if ((buf[at] & PUBLISH_QOS1_MASK) !== PUBLISH_QOS1) return false;
    const client = this.client;
    if (!client.connected || client.closed || end - body < 4) return false;
    const topicStart = body + 2;
    const topicEnd = topicStart + buf.readUInt16BE(body);
    // aedes speaks MQTT 3.1 and 3.1.1 (it refuses 5 at CONNECT): no properties to skip.
    const payloadStart = topicEnd + 2;
    if (payloadStart > end) return false;
    const messageId = buf.readUInt16BE(topicEnd);
    if (messageId === 0) return false;
    const topicIndex = this.topicAt(buf, topicStart, topicEnd);
    const paths = this.paths;
    if (topicIndex < 0 || !paths.policy.open(client as unknown as Client, this.deviceId)) return false;
    // One more packet in progress for aedes: it counts this one as its own.
    client._parsingBatch++;
    paths.countTaken();
    paths.policy.accept(
      this.deviceId,
      this.deviceTopics[topicIndex],
      topicIndex,
      buf.subarray(payloadStart, end),
      (error) => {
        if (error) client._nextBatch(error);
        else this.acknowledge(messageId);
      },
    );
    return true;
  }

  /** Takes the packets that waited for a turn with room, then lets aedes read on. */
  resume(): void {
    this.waiting = false;
    const client = this.client;
    if (client.closed) {
      this.rest = undefined;
      return;
    }
    this.parse(NOTHING_READ);
    // The packet in progress counted for the wait is done: aedes reads the socket once none is left.
    client._nextBatch();
  }

  private get deviceTopics(): string[] {
    return (this.topics ??= this.paths.channels.map((channel) => deviceTopic(this.deviceId, channel)));
  }

  /** Which of the device's topics the bytes are (ASCII, as device ids and channels are), or -1. */
  private topicAt(buf: Buffer, start: number, end: number): number {
    const topics = (this.topics ??= this.paths.channels.map((channel) =>
      deviceTopic(this.deviceId, channel),
    ));
    for (let index = 0; index < topics.length; index++) {
      const topic = topics[index];
      if (topic.length !== end - start) continue;
      let i = 0;
      while (i < topic.length && buf[start + i] === topic.charCodeAt(i)) i++;
      if (i === topic.length) return index;
    }
    return -1;
  }

  private acknowledge(messageId: number): void {
    const acks = (this.acks ??= []);
    if (acks.length === 0) this.paths.scheduleAck(this);
    acks.push(messageId);
  }

  /** Writes this turn's PUBACKs in one buffer, then finishes them as aedes' `write` does. */
  writeAcks(): void {
    const acks = this.acks;
    if (!acks || acks.length === 0) return;
    const count = acks.length;
    const client = this.client;
    const conn = client.conn;
    if (client.closed || !conn.writable) {
      acks.length = 0;
      // aedes' write: "connection closed" (a closed client ignores it).
      client._nextBatch(new Error('connection closed'));
      return;
    }
    const out = Buffer.allocUnsafe(count * 4);
    for (let i = 0; i < count; i++) {
      out[i * 4] = PUBACK;
      out[i * 4 + 1] = 2;
      out.writeUInt16BE(acks[i], i * 4 + 2);
    }
    acks.length = 0;
    if (conn.write(out)) {
      this.written += count;
      this.paths.scheduleFinish(this);
      return;
    }
    client.waitForDrain((error) => {
      if (error) return client._nextBatch(error);
      this.written += count;
      this.paths.scheduleFinish(this);
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
