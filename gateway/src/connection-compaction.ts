import { Socket } from 'node:net';
import type { Client } from 'aedes';
import bl from 'bl';
import { KeptWill } from './exact-topic-backends';

/** bl's plain buffer list (its types declare only the stream): what mqtt-packet reads from. */
const { BufferList } = bl as unknown as { BufferList: new (init?: Buffer) => ParserList };

interface ParserList {
  length: number;
  slice(): Buffer;
}

/** The parts of aedes' client and of its mqtt-packet parser a ready connection keeps. */
interface ConnectionInternals {
  conn?: unknown;
  closed?: boolean;
  close(): void;
  /** Removes the listeners Node's `finished()` put on the connection for aedes. */
  _eos?: (this: ConnectionInternals) => void;
  /** The client's own listeners (aedes' client is an EventEmitter). */
  _events?: Record<string | symbol, unknown>;
  /** The ids of the QoS 2 messages received and not yet released (PUBREL): a Set of its own. */
  _inboundInflight?: Set<number> | InboundQos2Window;
  /** QoS 2 packet ids seen, by broker id: a null-prototype object, empty for QoS 1 devices. */
  duplicates?: Record<string, number>;
  will?: { payload?: Buffer } | null;
  _parser?: {
    settings?: { protocolVersion?: number; bridgeMode?: boolean };
    _list?: ParserList;
    /** EventEmitter's listeners by event. */
    _events?: Record<string | symbol, unknown>;
  };
}

/**
 * Lets go of what a device connection holds only because of how it connected, once it is
 * ready (aedes' 'clientReady'); one per connected device, so it adds up:
 * - its will's payload is a view of the first chunk read from the socket (the CONNECT packet and
 *   whatever came with it), which the view keeps alive for the connection's life: it gets a copy
 *   of its own, of its own size (see ownBytes);
 * - mqtt-packet's parser keeps the whole CONNECT packet (client id, user name, password, will) as
 *   its settings, of which it reads the protocol version and the bridge mode only;
 * - the parser's list of bytes read is a BufferListStream, a duplex stream with its two states,
 *   events and callbacks (≈ 0.7 KB), of which it uses the list's methods only: it gets bl's
 *   plain BufferList (the same methods), holding the same bytes;
 * - the parser is an EventEmitter, whose listeners Node keeps in a null-prototype object that V8
 *   makes a dictionary (≈ 160 bytes for its two events): the same listeners go into an object with
 *   the same null prototype and fast properties (≈ 30 bytes), which stays so while they stay;
 * - aedes closes its client when the connection ends through Node's `finished()`: four listeners
 *   on the socket and seven closures (≈ 0.5 KB). A TCP or TLS socket always emits 'close' once it
 *   is done (ended, failed or destroyed), and aedes closes the client on 'end' and on an error by
 *   itself too: one 'close' listener does what they did, the same function for every connection;
 * - the client's own listeners and its QoS 2 duplicates (empty for a device publishing at QoS 1)
 *   are null-prototype dictionaries too (≈ 130 bytes each more than fast properties), and its
 *   window of QoS 2 messages received is an empty Set until one comes (InboundQos2Window).
 * Nothing a device or the broker does changes: the will is published with the same bytes, and a
 * connection that goes closes its client.
 */
export function compactConnection(client: Client): void {
  const internals = client as unknown as ConnectionInternals;
  const will = internals.will;
  // a KeptWill (the gateway's persistence) holds no Buffer: reading its payload would make one
  if (will && !(will instanceof KeptWill) && Buffer.isBuffer(will.payload))
    will.payload = ownBytes(will.payload);
  const parser = internals._parser;
  const settings = parser?.settings;
  if (parser && settings) {
    parser.settings = { protocolVersion: settings.protocolVersion, bridgeMode: settings.bridgeMode };
  }
  const conn = internals.conn;
  if (
    conn instanceof Socket &&
    typeof internals._eos === 'function' &&
    !internals.closed &&
    !conn.destroyed
  ) {
    internals._eos();
    conn.on('close', closeOwnClient);
    // aedes calls it as it closes the client
    internals._eos = stopClosingOnClose;
    // the lists of 'end' and 'close' listeners kept the room of those removed (≈ 0.2 KB): the
    // same listeners, in order, in lists of their size
    const events = (conn as unknown as { _events?: Record<string | symbol, unknown> })._events;
    for (const name of ['end', 'close']) {
      const listeners = events?.[name];
      if (events && Array.isArray(listeners)) events[name] = listeners.slice();
    }
  }
  if (parser?._events) parser._events = withFastProperties(parser._events);
  if (internals._inboundInflight instanceof Set && internals._inboundInflight.size === 0) {
    internals._inboundInflight = new InboundQos2Window();
  }
  // after 'connected', which aedes emits right after 'clientReady': its once listener's removal
  // would make the object a dictionary again
  queueMicrotask(() => {
    if (internals._events && !internals.closed) internals._events = withFastProperties(internals._events);
  });
  // empty unless the device publishes at QoS 2; written only by key, which a fast object takes
  if (internals.duplicates && Reflect.ownKeys(internals.duplicates).length === 0) {
    internals.duplicates = withFastProperties(internals.duplicates);
  }
  const list = parser?._list;
  // a stream has its state objects; the plain list has not
  if (parser && list && '_readableState' in list) {
    parser._list = new BufferList(list.length > 0 ? list.slice() : undefined);
  }
}

/**
 * The ids of the QoS 2 messages a client sent and has not released yet, as aedes reads them (has,
 * size, add, delete): a Set made at the first of them. An empty Set is ≈ 150 bytes, and a device
 * publishing at QoS 1 never needs one.
 */
export class InboundQos2Window {
  private ids?: Set<number>;

  get size(): number {
    return this.ids?.size ?? 0;
  }

  has(id: number): boolean {
    return this.ids?.has(id) ?? false;
  }

  add(id: number): this {
    (this.ids ??= new Set()).add(id);
    return this;
  }

  delete(id: number): boolean {
    return this.ids?.delete(id) ?? false;
  }
}

/**
 * A connection's 'close' listener, the same function for every connection (called on the socket,
 * which aedes gave its client): a closure of its own, and `once`'s wrapper around it, were ≈ 0.3
 * KB a connection. A socket emits 'close' once.
 */
function closeOwnClient(this: Socket & { client?: ConnectionInternals }): void {
  this.client?.close();
}

/** The client's `_eos` once compacted (aedes calls it on the client as it closes it). */
function stopClosingOnClose(this: ConnectionInternals): void {
  if (this.conn instanceof Socket) this.conn.removeListener('close', closeOwnClient);
}

/**
 * The same keys and values in a new object with a null prototype: built with a prototype and
 * given null afterwards, which keeps V8's fast properties (`Object.create(null)` and a
 * `{ __proto__: null }` literal start as dictionaries).
 */
export function withFastProperties<T extends Record<string | symbol, unknown>>(dictionary: T): T {
  const fast: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(dictionary)) fast[key] = dictionary[key];
  return Object.setPrototypeOf(fast, null) as T;
}

/**
 * The bytes of a view that lives as long as a connection (its will, which aedes keeps on the
 * client and in the persistence), in memory of their own size, so that they stop keeping alive the
 * socket chunk they were read with (≈ 1–2 KB for a 50-byte status). Not from Node's pool either:
 * a long-lived copy in the pool pins an 8 KB slab that short-lived buffers filled (≈ 0.6 KB a
 * device measured). A buffer that is its whole memory already is returned as it is.
 */
export function ownBytes(view: Buffer): Buffer {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view;
  const copy = Buffer.allocUnsafeSlow(view.byteLength);
  view.copy(copy);
  return copy;
}
