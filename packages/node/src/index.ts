// Runtime on Node's own event loop: node:net, node:tls, node:dgram, node:dns, timers, a worker pool for blocking work. (being built)
export {};
