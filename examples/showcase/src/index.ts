// Example: showcase (being built)
export {};
