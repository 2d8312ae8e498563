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
export { PacketSizeGuard } from './packet-size-guard';
export {
  openRedisBrokerBackends,
  redisConnectionOptions,
  type RedisBrokerBackends,
  type RedisConnectionOptions,
} from './redis-broker-backends';
