// Example: kv-server (being built)
export {};
