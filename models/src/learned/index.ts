export * from './ai4i-data';
export * from './ai4i-failure-trainer';
export * from './classification-metrics';
export * from './cmapss-data';
export * from './cmapss-rul-trainer';
export * from './plots';
export * from './real-data-cli';
export * from './rul-metrics';
