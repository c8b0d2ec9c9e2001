// The echo library's public face.
export { EchoService } from './echo-service.js';
