// Public API of @otpforge/metrics. Import from here only.
export {};
