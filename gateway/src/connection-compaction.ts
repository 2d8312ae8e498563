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
  _eos?: () => void;
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
 *   itself too: one 'close' listener does what they did.
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
    const onClose = (): void => internals.close();
    conn.once('close', onClose);
    // aedes calls it as it closes the client
    internals._eos = () => conn.removeListener('close', onClose);
  }
  if (parser?._events) parser._events = withFastProperties(parser._events);
  const list = parser?._list;
  // a stream has its state objects; the plain list has not
  if (parser && list && '_readableState' in list) {
    parser._list = new BufferList(list.length > 0 ? list.slice() : undefined);
  }
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
