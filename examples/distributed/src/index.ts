// Example: distributed (being built)
export {};
