export {
  DEFAULT_MAX_PACKET_BYTES,
  MQTT_WS_PATH,
  MqttGateway,
  type DeviceAuthenticator,
  type GatewayOptions,
  type GatewayTlsOptions,
  type InboundDeviceMessage,
  type ServiceCredentials,
} from './mqtt-gateway';
export { DEFAULT_PUBLISHES_PER_TURN } from './device-publish-path';
export { PacketSizeGuard } from './packet-size-guard';
// Types only: the Redis clients load when a gateway starts in scale-out mode (MqttGateway.start).
export type { RedisBrokerBackends, RedisConnectionOptions } from './redis-broker-backends';
