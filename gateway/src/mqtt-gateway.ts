import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, IncomingMessage, Server as HttpServer } from 'node:http';
import { AddressInfo, createServer as createTcpServer, Server as TcpServer } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer as createTlsServer, Server as TlsServer, TLSSocket } from 'node:tls';
import { Aedes, AedesPublishPacket, Client, PublishPacket, Subscription } from 'aedes';
import { guardClientTakeover } from './client-takeover';
import { compactConnection } from './connection-compaction';
import { writeToStream } from 'mqtt-packet';
import pino, { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { createWebSocketStream, WebSocketServer } from 'ws';
import {
  CommandMessage,
  commandMessageSchema,
  DEVICE_ID_PATTERN,
  DeviceChannel,
  parseDeviceTopic,
  topics,
} from '../../contracts/src';
import { DevicePublishPaths } from './device-publish-path';
import { createExactTopicEmitter, createExactTopicPersistence } from './exact-topic-backends';
import { DeviceTopicSubscriptions } from './device-topic-subscriptions';
import { KeepaliveSweep } from './keepalive-sweep';
import { PacketSizeGuard } from './packet-size-guard';
import type { RedisBrokerBackends } from './redis-broker-backends';

// mqtt-packet makes, at the first packet it writes (a CONNACK), a two-byte buffer for each of the
// 65,536 packet ids and keeps them for good: 6.3 MB of heap, to save an allocation per id
// written. Devices' PUBACKs are written by the short path (ADR 0016); what aedes still writes
// with an id (a SUBACK, a QoS 1 delivery, a PUBACK without the short path) allocates two bytes.
writeToStream.cacheNumbers = false;

/** Checks a device's credentials, typically against the platform's device registry. */
export interface DeviceAuthenticator {
  authenticate(deviceId: string, secret: string): Promise<boolean>;
  /**
   * A client certificate on MQTTS, already verified by TLS against `tls.ca` (chain, validity)
   * and whose CN is the username: may this device connect with it (issued to it, not revoked)?
   * Without this method certificates are never accepted in place of the secret.
   */
  authenticateCertificate?(deviceId: string, certificate: { serialNumber: string }): Promise<boolean>;
}

/** MQTT over TLS beside the plain listener; client certificates are requested, never required. */
export interface GatewayTlsOptions {
  /** 0 picks a free port, read it back from `MqttGateway.tlsPort`. */
  port: number;
  /** The server's certificate chain and private key, PEM. */
  cert: string;
  key: string;
  /** The CA (PEM) device certificates must chain to. */
  ca: string;
}

/** A publish a device made to one of its own topics; the payload is passed on unparsed. */
export interface InboundDeviceMessage {
  deviceId: string;
  channel: DeviceChannel;
  topic: string;
  payload: Buffer;
  receivedAtMs: number;
}

export interface ServiceCredentials {
  username: string;
  password: string;
}

export interface GatewayOptions {
  /** Interface to bind the MQTT (and standalone WebSocket) listeners to. */
  host: string;
  /** TCP port for MQTT; 0 picks a free port, read it back from `MqttGateway.port`. */
  mqttPort: number;
  /** Own HTTP server for MQTT over WebSocket; omit when the platform routes upgrades to `handleUpgrade`. */
  wsPort?: number;
  authenticator: DeviceAuthenticator;
  onMessage: (message: InboundDeviceMessage) => void;
  /**
   * Durable acknowledgement: a device's QoS 1 (or 2) publish on one of these channels goes to
   * `accept` instead of `onMessage`, before the broker acknowledges it; the PUBACK is sent once
   * `done` is called without an error. An error closes the connection unacknowledged (the device
   * resends). A callback, not a promise: it is called for every reading.
   */
  durable?: {
    channels: readonly DeviceChannel[];
    accept: (message: InboundDeviceMessage, done: (error?: Error) => void) => void;
  };
  onPresence?: (deviceId: string, online: boolean, atMs: number) => void;
  /** An internal client (tools, the platform) that may subscribe and publish to any topic. */
  serviceCredentials?: ServiceCredentials;
  registry?: Registry;
  logger?: Logger;
  clock?: () => number;
  /** Larger packets close the connection. Default 256 KiB. */
  maxPacketBytes?: number;
  /**
   * The most durable publishes the devices' short path takes in one turn of the event loop, all
   * connections together; the rest wait for the next turn, their connections unread meanwhile.
   * Default `DEFAULT_PUBLISHES_PER_TURN`.
   */
  publishesPerTurn?: number;
  /**
   * Scale-out: brokers given the same Redis share subscriptions, retained messages (device
   * status), sessions and offline QoS 1 messages, so a device may connect to any of them.
   */
  redisUrl?: string;
  /** MQTTS: a TLS listener beside the plain one (devices may authenticate with a client certificate). */
  tls?: GatewayTlsOptions;
}

export const DEFAULT_MAX_PACKET_BYTES = 256 * 1024;

/** Path the platform's HTTP server routes to `handleUpgrade`, and the standalone server accepts. */
export const MQTT_WS_PATH = '/mqtt';

type DeviceTarget = { deviceId: string; channel: DeviceChannel };

type Session = { kind: 'device'; deviceId: string; certificateSerial?: string } | { kind: 'service' };

// CONNACK return codes of MQTT 3.1.1 (aedes' AuthErrorCode is a const enum swc cannot inline).
const RETURN_CODE_SERVER_UNAVAILABLE = 3;
const RETURN_CODE_BAD_USERNAME_OR_PASSWORD = 4;
const RETURN_CODE_NOT_AUTHORIZED = 5;

/**
 * Where a broker asks every broker sharing its Redis (and itself) to close a device's
 * connections. A `$` topic: no client wildcard matches it, and devices may not publish there.
 */
const DISCONNECT_TOPIC = '$platform/devices/disconnect';
/** How long a stopping broker waits for an unreachable Redis before it stops without it. */
const REDIS_STOP_GRACE_MS = 3_000;

const DEVICE_PUBLISH_CHANNELS: readonly DeviceChannel[] = [
  'telemetry',
  'events',
  'status',
  'commands/ack',
  'firmware',
];

interface GatewayMetrics {
  authFailures: Counter;
  aclDenials: Counter<'action'>;
  messagesReceived: Counter;
  pipelineSkipped: Counter;
}

/** Where a connection's packet size guard is kept: on its stream. */
const PACKET_SIZE_GUARD = Symbol('packetSizeGuard');
type GuardedStream = Duplex & { [PACKET_SIZE_GUARD]?: PacketSizeGuard };

/**
 * The MQTT broker of the product: an Aedes broker with device authentication, a per-device
 * topic ACL and presence tracking, reachable over TCP and over WebSocket.
 */
export class MqttGateway {
  private broker?: Aedes;
  private redis?: RedisBrokerBackends;
  private tcpServer?: TcpServer;
  private tlsServer?: TlsServer;
  private wsHttpServer?: HttpServer;
  private wsServer?: WebSocketServer;
  private metrics?: GatewayMetrics;
  private readonly sessions = new WeakMap<Client, Session>();
  /** The newest authenticated connection of each device; older ones are superseded. */
  private readonly currentClients = new Map<string, Client>();
  private readonly sockets = new Set<Duplex>();
  /**
   * Open connections per device: more than one only while a newer one takes over, so one is kept
   * as itself and a set is made only for a second (a set a device is ≈ 0.2 KB of heap).
   */
  private readonly deviceClients = new Map<string, Client | Set<Client>>();
  private stopping?: Promise<void>;
  private readonly logger: Logger;
  /** `/telemetry` and the like: a device topic on a durable channel ends with one of these. */
  private readonly durableSuffixes: readonly string[];
  /** Durable publishes that skipped aedes' publish pipeline (a plain number: read on scrape). */
  private pipelineSkipped = 0;
  /** Messages devices published to their own topics (read on scrape). */
  private messagesReceived = 0;
  /** The short path of devices' durable publishes (ADR 0016); without Redis only. */
  private publishPaths?: DevicePublishPaths;
  /** The keep-alive of devices' connections, one timer for all (a timer each was ≈ 0.23 KB). */
  private readonly keepalive = new KeepaliveSweep();

  constructor(private readonly options: GatewayOptions) {
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.durableSuffixes = (options.durable?.channels ?? []).map((channel) => `/${channel}`);
  }

  /** The bound MQTT TCP port (useful with `mqttPort: 0`). */
  get port(): number {
    return (this.requireStarted('port').tcpServer.address() as AddressInfo).port;
  }

  /** The bound MQTTS port, when `tls` was given. */
  get tlsPort(): number | undefined {
    const address = this.tlsServer?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  /** The bound standalone WebSocket port, when `wsPort` was given. */
  get wsBoundPort(): number | undefined {
    const address = this.wsHttpServer?.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  async start(): Promise<void> {
    if (this.broker) throw new Error('MqttGateway already started');
    this.metrics = this.createMetrics(this.options.registry ?? new Registry());
    // the Redis clients (mqemitter-redis, aedes-persistence-redis) load only in scale-out mode
    const redis = this.options.redisUrl
      ? (await import('./redis-broker-backends')).openRedisBrokerBackends(this.options.redisUrl, this.logger)
      : undefined;
    this.redis = redis;
    const broker = await Aedes.createBroker({
      // on its own, aedes' in-process emitter and persistence, with a light path for exact filters
      mq: redis ? redis.mq : createExactTopicEmitter(),
      persistence: redis ? redis.persistence : createExactTopicPersistence(),
      authenticate: (client, username, password, done) => {
        this.authenticate(client, username, password).then(
          () => done(null, true),
          (error: Error & { returnCode: number }) => done(error, false),
        );
      },
      authorizePublish: (client, packet, done) => {
        const verdict = this.authorizePublish(client, packet);
        if (verdict instanceof Error) return done(verdict);
        const durable = this.options.durable;
        if (!verdict || !durable || !this.isDurable(packet, verdict.channel)) return done(null);
        // aedes sends the PUBACK (and publishes) only once `done` is called.
        this.acceptDurably(this.messageOf(verdict, packet), (error) => done(error ?? null));
      },
      authorizeSubscribe: (client, subscription, done) =>
        done(null, this.authorizeSubscribe(client, subscription)),
    }).catch(async (error: unknown) => {
      await redis?.close({ brokerClosedEmitter: false });
      throw error;
    });
    this.broker = broker;
    guardClientTakeover(broker);
    if (!redis) this.skipPipeline(broker);
    await new Promise<void>((resolve) =>
      broker.subscribe(DISCONNECT_TOPIC, (packet, done) => this.onDisconnectRequest(packet, done), resolve),
    );
    broker.on('clientReady', (client) => this.onClientReady(client));
    broker.on('clientDisconnect', (client) => this.onClientDisconnect(client));
    broker.on('publish', (packet, client) => this.onPublish(packet, client));
    broker.on('clientError', (client, error) =>
      this.logger.debug({ clientId: client.id, err: error.message }, 'mqtt client error'),
    );

    try {
      await this.listen();
    } catch (error) {
      // A port in use must not leave the broker's timers behind.
      await this.stop();
      throw error;
    }
    this.logger.info(
      { mqttPort: this.port, mqttsPort: this.tlsPort, wsPort: this.wsBoundPort, redis: redis !== undefined },
      'mqtt gateway listening',
    );
  }

  private async listen(): Promise<void> {
    this.tcpServer = createTcpServer((socket) => this.handleConnection(socket));
    await listen(this.tcpServer, this.options.mqttPort, this.options.host);
    const tls = this.options.tls;
    if (tls) {
      this.tlsServer = createTlsServer(
        // Asked for, not required: devices without a certificate use their secret as on plain MQTT.
        { cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: false },
        (socket) => this.handleConnection(socket),
      );
      this.tlsServer.on('tlsClientError', (error) =>
        this.logger.debug({ err: error.message }, 'mqtts handshake failed'),
      );
      await listen(this.tlsServer, tls.port, this.options.host);
    }

    this.wsServer = new WebSocketServer({ noServer: true, maxPayload: this.maxPacketBytes });
    if (this.options.wsPort !== undefined) {
      const httpServer = createHttpServer((_req, res) => {
        res.writeHead(404).end();
      });
      httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (pathOf(req) === MQTT_WS_PATH) this.handleUpgrade(req, socket, head);
        else socket.destroy();
      });
      this.wsHttpServer = httpServer;
      await listen(httpServer, this.options.wsPort, this.options.host);
    }
  }

  /** Closes every client, the listeners and the broker. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  /** Sends a command to a device at QoS 1; resolves once the broker accepted it for delivery. */
  async publishCommand(deviceId: string, command: CommandMessage): Promise<void> {
    const broker = this.requireStarted('publishCommand').broker;
    if (!DEVICE_ID_PATTERN.test(deviceId)) throw new Error(`invalid device id: ${deviceId}`);
    const payload = Buffer.from(JSON.stringify(commandMessageSchema.parse(command)));
    const packet: PublishPacket = {
      cmd: 'publish',
      topic: topics.commands(deviceId),
      payload,
      qos: 1,
      retain: false,
      dup: false,
    };
    await new Promise<void>((resolve, reject) =>
      broker.publish(packet, (error) => (error ? reject(error) : resolve())),
    );
  }

  /**
   * Closes a device's connections (all of them, or only those authenticated with the given
   * certificate, e.g. one just revoked). Answers how many were closed.
   */
  disconnectDevice(deviceId: string, match: { certificateSerial?: string } = {}): number {
    let closed = 0;
    // The newest connection is known from its authentication on, before aedes reports it ready.
    const current = this.currentClients.get(deviceId);
    const open = new Set(this.openClients(deviceId));
    if (current) open.add(current);
    for (const client of open) {
      const session = this.sessions.get(client);
      if (session?.kind !== 'device') continue;
      if (match.certificateSerial !== undefined && session.certificateSerial !== match.certificateSerial)
        continue;
      client.close();
      closed += 1;
    }
    if (closed > 0) this.logger.info({ deviceId, ...match, closed }, 'device disconnected by the platform');
    return closed;
  }

  /**
   * `disconnectDevice` on every broker sharing this one's Redis (just this one without Redis):
   * resolves once the request is published, not when the connections are closed.
   */
  async disconnectDeviceEverywhere(
    deviceId: string,
    match: { certificateSerial?: string } = {},
  ): Promise<void> {
    const broker = this.requireStarted('disconnectDeviceEverywhere').broker;
    const packet: PublishPacket = {
      cmd: 'publish',
      topic: DISCONNECT_TOPIC,
      payload: Buffer.from(JSON.stringify({ deviceId, ...match })),
      qos: 0,
      retain: false,
      dup: false,
    };
    await new Promise<void>((resolve, reject) =>
      broker.publish(packet, (error) => (error ? reject(error) : resolve())),
    );
  }

  private onDisconnectRequest(packet: AedesPublishPacket, done: () => void): void {
    try {
      const request = JSON.parse(packet.payload.toString()) as {
        deviceId?: unknown;
        certificateSerial?: unknown;
      };
      if (typeof request.deviceId === 'string') {
        this.disconnectDevice(request.deviceId, {
          certificateSerial:
            typeof request.certificateSerial === 'string' ? request.certificateSerial : undefined,
        });
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'unreadable disconnect request');
    }
    done();
  }

  /** Authenticated clients currently connected (devices and service clients). */
  connectedClients(): number {
    return this.broker?.connectedClients ?? 0;
  }

  /**
   * MQTT over WebSocket: the platform's HTTP server hands over upgrade requests for `/mqtt`.
   * Other upgrades (Socket.IO) never reach this method and stay untouched.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const wsServer = this.wsServer;
    if (!wsServer || this.stopping) {
      socket.destroy();
      return;
    }
    wsServer.handleUpgrade(req, socket, head, (webSocket) => {
      const stream = createWebSocketStream(webSocket);
      // ws reports a closed peer as a stream error; aedes sees the close itself.
      stream.on('error', (error) => this.logger.debug({ err: error.message }, 'mqtt websocket error'));
      this.handleConnection(stream, req);
    });
  }

  private get maxPacketBytes(): number {
    return this.options.maxPacketBytes ?? DEFAULT_MAX_PACKET_BYTES;
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }

  private requireStarted(what: string): { broker: Aedes; tcpServer: TcpServer } {
    if (!this.broker || !this.tcpServer || this.stopping) throw new Error(`MqttGateway.${what}: not running`);
    return { broker: this.broker, tcpServer: this.tcpServer };
  }

  private handleConnection(stream: Duplex, req?: IncomingMessage): void {
    const broker = this.broker;
    if (!broker || this.stopping) {
      stream.destroy();
      return;
    }
    this.sockets.add(stream);
    // The listeners are the gateway's, one for every connection (a closure and its context a
    // connection were ≈ 0.1 KB each, and `once` wraps its listener in ≈ 0.18 KB more): 'close'
    // comes once for a stream, so `on` does what `once` did.
    stream.on('close', this.forgetSocket);
    broker.handle(stream, req);
    // Attached after aedes' 'readable' listener, so this observes exactly the chunks aedes
    // reads, just before it parses them, without switching the stream to flowing mode.
    (stream as GuardedStream)[PACKET_SIZE_GUARD] = new PacketSizeGuard(this.maxPacketBytes);
    stream.on('data', this.guardPacketSize);
  }

  /** A connection's 'close' listener (called on the stream). */
  private readonly forgetSocket = ((sockets: Set<Duplex>) =>
    function forgetSocket(this: Duplex): void {
      sockets.delete(this);
    })(this.sockets);

  /** A connection's 'data' listener (called on the stream): closes it at a packet over the limit. */
  private readonly guardPacketSize = ((gateway: MqttGateway) =>
    function guardPacketSize(this: GuardedStream, chunk: Buffer): void {
      if (this[PACKET_SIZE_GUARD]?.accept(chunk) !== false) return;
      gateway.logger.warn(
        { maxPacketBytes: gateway.maxPacketBytes },
        'mqtt packet too large: closing connection',
      );
      this.destroy();
    })(this);

  private async authenticate(client: Client, username?: string, password?: Buffer): Promise<void> {
    const peer = peerCertificateOf(client);
    if (peer && username !== undefined && username !== this.options.serviceCredentials?.username) {
      return this.authenticateCertificate(client, username, peer);
    }
    if (username === undefined || password === undefined) {
      this.metrics?.authFailures.inc();
      throw authError(RETURN_CODE_NOT_AUTHORIZED, 'credentials required');
    }
    const service = this.options.serviceCredentials;
    // A service username is never looked up as a device id.
    if (service && username === service.username) {
      if (!secretsEqual(password, service.password)) {
        this.metrics?.authFailures.inc();
        throw authError(RETURN_CODE_BAD_USERNAME_OR_PASSWORD, 'bad username or password');
      }
      this.sessions.set(client, { kind: 'service' });
      return;
    }
    let accepted = false;
    if (DEVICE_ID_PATTERN.test(username)) {
      try {
        accepted = await this.options.authenticator.authenticate(username, password.toString('utf8'));
      } catch (error) {
        this.logger.error({ deviceId: username, err: error }, 'device authenticator failed');
        throw authError(RETURN_CODE_SERVER_UNAVAILABLE, 'server unavailable');
      }
    }
    if (!accepted) {
      this.metrics?.authFailures.inc();
      this.logger.info({ deviceId: username, clientId: client.id }, 'mqtt authentication refused');
      throw authError(RETURN_CODE_BAD_USERNAME_OR_PASSWORD, 'bad username or password');
    }
    this.sessions.set(client, { kind: 'device', deviceId: username });
    // Recorded before aedes takes over an older connection with the same clientId, so that
    // connection's disconnect is known to be superseded and reports no offline.
    this.currentClients.set(username, client);
  }

  /**
   * A device that presented a client certificate is judged by it alone (a password is ignored):
   * a bad certificate is refused rather than silently replaced by the secret.
   */
  private async authenticateCertificate(
    client: Client,
    username: string,
    peer: PeerCertificate,
  ): Promise<void> {
    const refuse = (reason: string) => {
      this.metrics?.authFailures.inc();
      this.logger.info({ deviceId: username, clientId: client.id, reason }, 'mqtt certificate refused');
      return authError(RETURN_CODE_NOT_AUTHORIZED, 'not authorized');
    };
    if (!DEVICE_ID_PATTERN.test(username)) throw refuse('username is not a device id');
    if (!peer.authorized) throw refuse(peer.error ?? 'certificate not trusted');
    if (peer.commonName !== username) throw refuse('certificate CN is not the username');
    const check = this.options.authenticator.authenticateCertificate?.bind(this.options.authenticator);
    if (!check) throw refuse('certificate authentication not enabled');
    let accepted: boolean;
    try {
      accepted = await check(username, { serialNumber: peer.serialNumber });
    } catch (error) {
      this.logger.error({ deviceId: username, err: error }, 'device certificate check failed');
      throw authError(RETURN_CODE_SERVER_UNAVAILABLE, 'server unavailable');
    }
    if (!accepted) throw refuse('certificate unknown, revoked or expired');
    this.sessions.set(client, { kind: 'device', deviceId: username, certificateSerial: peer.serialNumber });
    this.currentClients.set(username, client);
  }

  /**
   * Returns the refusal; else, for a device's publish on its own topic, where it goes; else (the
   * gateway's own or a service client's publish) null.
   */
  private authorizePublish(client: Client | null, packet: PublishPacket): Error | DeviceTarget | null {
    if (!client) return null; // published by the gateway itself
    const session = this.sessions.get(client);
    if (!session) return new Error('not authenticated');
    if (session.kind === 'service') return null;
    if (this.currentClients.get(session.deviceId) !== client) {
      // A superseded connection, typically its will being published as it is closed: the
      // newer connection is alive, so its offline status must not override it.
      return new Error('connection superseded');
    }
    const target = parseDeviceTopic(packet.topic);
    if (target && target.deviceId === session.deviceId && DEVICE_PUBLISH_CHANNELS.includes(target.channel)) {
      return target;
    }
    this.metrics?.aclDenials.inc({ action: 'publish' });
    this.logger.warn({ deviceId: session.deviceId, topic: packet.topic }, 'mqtt publish denied');
    // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection.
    return new Error('publish not authorized');
  }

  /** Returns the granted subscription, or null for a failure grant (QoS 128). */
  private authorizeSubscribe(client: Client, subscription: Subscription): Subscription | null {
    const session = this.sessions.get(client);
    if (session?.kind === 'service') return subscription;
    if (session && subscription.topic === topics.commands(session.deviceId)) {
      // Delivery is capped at QoS 1; aedes still reports the requested QoS in the SUBACK.
      return { ...subscription, qos: subscription.qos > 1 ? 1 : subscription.qos };
    }
    this.metrics?.aclDenials.inc({ action: 'subscribe' });
    this.logger.warn({ deviceId: session?.deviceId, topic: subscription.topic }, 'mqtt subscribe denied');
    return null;
  }

  private onClientReady(client: Client): void {
    const session = this.sessions.get(client);
    if (session?.kind !== 'device') return;
    const kept = this.deviceClients.get(session.deviceId);
    if (kept === undefined || kept === client) this.deviceClients.set(session.deviceId, client);
    else if (kept instanceof Set) kept.add(client);
    else this.deviceClients.set(session.deviceId, new Set([kept, client]));
    if (this.currentClients.get(session.deviceId) !== client) return;
    // Same device, different clientId: aedes keeps both, so close the older ones here.
    for (const other of this.openClients(session.deviceId)) if (other !== client) other.close();
    this.publishPaths?.install(client, session.deviceId);
    compactConnection(client);
    this.keepalive.adopt(client);
    this.logger.info({ deviceId: session.deviceId, clientId: client.id }, 'device online');
    this.options.onPresence?.(session.deviceId, true, this.now());
  }

  private onClientDisconnect(client: Client): void {
    const session = this.sessions.get(client);
    if (session?.kind !== 'device') return;
    const kept = this.deviceClients.get(session.deviceId);
    if (kept === client) this.deviceClients.delete(session.deviceId);
    else if (kept instanceof Set) {
      kept.delete(client);
      if (kept.size === 1) this.deviceClients.set(session.deviceId, kept.values().next().value as Client);
    }
    const current = this.currentClients.get(session.deviceId);
    // An older connection closed while a newer one of the same device is alive: still online.
    if (current !== client && current && !current.closed) return;
    this.currentClients.delete(session.deviceId);
    this.logger.info({ deviceId: session.deviceId, clientId: client.id }, 'device offline');
    this.options.onPresence?.(session.deviceId, false, this.now());
  }

  /** A device's open connections. */
  private openClients(deviceId: string): Client[] {
    const kept = this.deviceClients.get(deviceId);
    if (kept === undefined) return [];
    return kept instanceof Set ? [...kept] : [kept];
  }

  /** Where a device publishes on its own topic, or undefined for a service client's publish. */
  private deviceTarget(client: Client | null, packet: PublishPacket): DeviceTarget | undefined {
    if (!client) return undefined;
    const session = this.sessions.get(client);
    if (session?.kind !== 'device') return undefined;
    const target = parseDeviceTopic(packet.topic);
    // authorizePublish already refused anything else; this narrows the type.
    if (!target || target.deviceId !== session.deviceId) return undefined;
    return target;
  }

  private messageOf(target: DeviceTarget, packet: PublishPacket): InboundDeviceMessage {
    return {
      deviceId: target.deviceId,
      channel: target.channel,
      topic: packet.topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
      receivedAtMs: this.now(),
    };
  }

  private isDurable(packet: PublishPacket, channel: DeviceChannel): boolean {
    return packet.qos > 0 && this.options.durable?.channels.includes(channel) === true;
  }

  private onPublish(packet: AedesPublishPacket, client: Client | null): void {
    const target = this.deviceTarget(client, packet);
    // A durable publish was handed over before its PUBACK.
    if (!target || this.isDurable(packet, target.channel)) return;
    const message = this.messageOf(target, packet);
    this.messagesReceived++;
    try {
      this.options.onMessage(message);
    } catch (error) {
      // The broker must keep serving other devices whatever the consumer does.
      this.logger.error({ deviceId: message.deviceId, err: error }, 'onMessage failed');
    }
  }

  /** Hands a durable message over; `done` acknowledges it, or closes the connection with the error. */
  private acceptDurably(message: InboundDeviceMessage, done: (error?: Error) => void): void {
    this.messagesReceived++;
    this.options.durable?.accept(message, (error) => {
      if (error)
        this.logger.error({ deviceId: message.deviceId, err: error.message }, 'durable accept failed');
      done(error);
    });
  }

  /**
   * A device's durable publishes go the short way (ADR 0016): framed and acknowledged by the
   * gateway, for as long as aedes' publish pipeline can be skipped (nobody subscribed to device
   * topics) and the connection is the device's current one. Anything else a connection sends, and
   * any publish while that does not hold, goes through aedes.
   */
  private createPublishPaths(subscriptions: DeviceTopicSubscriptions): DevicePublishPaths | undefined {
    const durable = this.options.durable;
    if (!durable) return undefined;
    const channels = durable.channels.filter((channel) => DEVICE_PUBLISH_CHANNELS.includes(channel));
    return new DevicePublishPaths(
      channels,
      {
        open: (client, deviceId) =>
          subscriptions.none && this.stopping === undefined && this.currentClients.get(deviceId) === client,
        accept: (deviceId, topic, topicIndex, payload, done) => {
          this.pipelineSkipped++;
          const message: InboundDeviceMessage = {
            deviceId,
            channel: channels[topicIndex],
            topic,
            payload,
            receivedAtMs: this.now(),
          };
          this.acceptDurably(message, done);
        },
      },
      this.options.publishesPerTurn,
    );
  }

  private createMetrics(registry: Registry): GatewayMetrics {
    // The gauge reads the broker on scrape (its count kept right by guardClientTakeover).
    const gauge: Gauge = new Gauge({
      name: 'mqtt_clients_connected',
      help: 'Authenticated MQTT clients currently connected',
      registers: [registry],
      collect: () => gauge.set(this.connectedClients()),
    });
    return {
      authFailures: new Counter({
        name: 'mqtt_auth_failures_total',
        help: 'MQTT connections refused for missing or wrong credentials',
        registers: [registry],
      }),
      aclDenials: new Counter({
        name: 'mqtt_acl_denials_total',
        help: 'MQTT publishes and subscriptions refused by the device ACL',
        labelNames: ['action'],
        registers: [registry],
      }),
      pipelineSkipped: counterReadOnScrape(
        registry,
        'mqtt_publish_pipeline_skipped_total',
        "Durably accepted device publishes that needed nothing from the broker's publish pipeline (no subscriber to device topics)",
        () => this.pipelineSkipped,
      ),
      messagesReceived: counterReadOnScrape(
        registry,
        'mqtt_messages_received_total',
        'Messages devices published to their own topics',
        () => this.messagesReceived,
      ),
    };
  }

  /**
   * A device's durably accepted publish (its reading is in the ingest log and on its way to
   * ingest) needs nothing more from aedes' publish pipeline when nobody subscribes to a device's
   * topic and it is not retained: the pipeline would store no retained message, queue nothing
   * for an offline session, match the topic twice to find no subscriber, and emit a 'publish'
   * event this gateway ignores for durable messages. So it is skipped then: aedes has already
   * written the PUBACK. A service client subscribing to device topics (a tool, mosquitto_sub)
   * turns the pipeline back on until it unsubscribes or its session ends. Only without Redis:
   * brokers sharing Redis may have subscribers this one cannot see.
   */
  private skipPipeline(broker: Aedes): void {
    // A device's own subscription (its commands) cannot match what it publishes durably.
    const subscriptions = new DeviceTopicSubscriptions(this.options.durable?.channels ?? []);
    this.publishPaths = this.createPublishPaths(subscriptions);
    subscriptions.watch(
      broker,
      (broker as unknown as { persistence: Parameters<DeviceTopicSubscriptions['watch']>[1] }).persistence,
    );
    // aedes' own calls pass the publishing client; the typings know only (packet, callback).
    type PublishFrom = (packet: PublishPacket, client: Client | null, done: (error?: Error) => void) => void;
    const pipeline = (broker.publish as unknown as PublishFrom).bind(broker);
    const publish: PublishFrom = (packet, client, done) => {
      if (client && subscriptions.none && !packet.retain && this.acceptedDurably(client, packet)) {
        this.pipelineSkipped++;
        done();
        return;
      }
      pipeline(packet, client, done);
    };
    broker.publish = publish as unknown as Aedes['publish'];
  }

  /**
   * Whether aedes publishes this message because `durable.accept` took it: aedes publishes a
   * client's message only once `authorizePublish` let it through, a device may publish only on its
   * own topics, and of those the durable ones at QoS 1 or 2 went to `durable.accept` (a refusal
   * there closes the connection instead). No second parse of the topic: its last level tells.
   */
  private acceptedDurably(client: Client, packet: PublishPacket): boolean {
    if (packet.qos === 0 || this.sessions.get(client)?.kind !== 'device') return false;
    for (const suffix of this.durableSuffixes) if (packet.topic.endsWith(suffix)) return true;
    return false;
  }

  private async close(): Promise<void> {
    const broker = this.broker;
    if (!broker) return;
    this.keepalive.stop();
    const brokerClosed = new Promise<void>((resolve) => broker.close(() => resolve()));
    // Closing clients writes their sessions to Redis: wait for it while it answers, not forever.
    const unreachable = this.redis?.unreachableFor(REDIS_STOP_GRACE_MS);
    const abandoned = await Promise.race([
      brokerClosed.then(() => false),
      ...(unreachable ? [unreachable.reached.then(() => true)] : []),
    ]);
    unreachable?.cancel();
    if (abandoned) {
      this.logger.warn(
        { graceMs: REDIS_STOP_GRACE_MS },
        'scale-out redis unreachable at stop: sessions and offline messages of this broker not saved',
      );
      this.redis?.abandon();
    }
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    for (const webSocket of this.wsServer?.clients ?? []) webSocket.terminate();
    await Promise.all([
      this.tcpServer ? closeServer(this.tcpServer) : undefined,
      this.tlsServer ? closeServer(this.tlsServer) : undefined,
      this.wsHttpServer ? closeServer(this.wsHttpServer) : undefined,
      this.wsServer ? new Promise<void>((resolve) => this.wsServer?.close(() => resolve())) : undefined,
    ]);
    // After the broker: its clients' sessions and will messages are written to Redis as they close.
    if (!abandoned) await this.redis?.close({ brokerClosedEmitter: true });
    this.currentClients.clear();
    this.deviceClients.clear();
    this.logger.info('mqtt gateway stopped');
  }
}

interface PeerCertificate {
  /** TLS verified the chain to `tls.ca` and the validity dates. */
  authorized: boolean;
  error?: string;
  commonName?: string;
  serialNumber: string;
}

/** The client certificate of an MQTTS connection, if the device presented one. */
function peerCertificateOf(client: Client): PeerCertificate | undefined {
  const conn: unknown = client.conn;
  if (!(conn instanceof TLSSocket)) return undefined;
  const certificate = conn.getPeerCertificate();
  if (!certificate || Object.keys(certificate).length === 0) return undefined;
  const cn: unknown = certificate.subject?.CN;
  return {
    authorized: conn.authorized,
    error: conn.authorizationError ? String(conn.authorizationError) : undefined,
    commonName: typeof cn === 'string' ? cn : undefined,
    serialNumber: certificate.serialNumber.toUpperCase().replace(/^0+(?=.)/, ''),
  };
}

/** A counter the hot path keeps as a plain number (no label lookup per message), reported on scrape. */
function counterReadOnScrape(registry: Registry, name: string, help: string, read: () => number): Counter {
  let reported = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      this.inc(now - reported);
      reported = now;
    },
  });
}

function authError(returnCode: number, message: string): Error & { returnCode: number } {
  return Object.assign(new Error(message), { returnCode });
}

/** Constant-time comparison; hashing first makes the lengths equal as timingSafeEqual requires. */
function secretsEqual(given: Buffer, expected: string): boolean {
  const digest = (value: Buffer | string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}

function listen(server: TcpServer | HttpServer | TlsServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: TcpServer | HttpServer | TlsServer): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  });
}
