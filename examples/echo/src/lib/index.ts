// The echo library's public face.
export { Echo } from './echo.js';
