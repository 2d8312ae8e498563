export * from './device-protocol';
export * from './appliance-profiles';
export * from './api';
export * from './socket-events';
export * from './service-api';
export * from './service-entities';
export * from './seeded-random';
export * from './diagnostics-events';
