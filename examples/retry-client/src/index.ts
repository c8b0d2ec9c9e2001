// Example: retry-client (being built)
export {};
