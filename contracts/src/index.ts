export * from './device-protocol';
export * from './appliance-profiles';
export * from './api';
export * from './socket-events';
export * from './service-api';
