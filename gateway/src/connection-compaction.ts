import type { Client } from 'aedes';

/** The parts of aedes' client and of its mqtt-packet parser a ready connection keeps. */
interface ConnectionInternals {
  will?: { payload?: Buffer } | null;
  _parser?: { settings?: { protocolVersion?: number; bridgeMode?: boolean } };
}

/**
 * Lets go of what a device connection holds only because of how it connected, once it is
 * ready (aedes' 'clientReady'); one per connected device, so it adds up:
 * - its will's payload is a view of the first chunk read from the socket (the CONNECT packet and
 *   whatever came with it), which the view keeps alive for the connection's life: it gets a copy
 *   of its own (small copies share Node's pool);
 * - mqtt-packet's parser keeps the whole CONNECT packet (client id, user name, password, will) as
 *   its settings, of which it reads the protocol version and the bridge mode only.
 * Nothing a device or the broker does changes: the will is published with the same bytes.
 */
export function compactConnection(client: Client): void {
  const internals = client as unknown as ConnectionInternals;
  const will = internals.will;
  const payload = will?.payload;
  if (will && Buffer.isBuffer(payload) && payload.byteLength < payload.buffer.byteLength) {
    will.payload = Buffer.from(payload);
  }
  const parser = internals._parser;
  const settings = parser?.settings;
  if (parser && settings) {
    parser.settings = { protocolVersion: settings.protocolVersion, bridgeMode: settings.bridgeMode };
  }
}
