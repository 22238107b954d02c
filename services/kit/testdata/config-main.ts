// A process entry point that only loads configuration, for the config tests.
import { loadConfig, setting } from '../config.js';

const config = loadConfig({ port: setting.port('PORT', { default: 8080 }) });
console.log(JSON.stringify(config));
