// Distributed executor on BullMQ and Redis, and the runtime-traits-worker CLI. (being built)
export {};
