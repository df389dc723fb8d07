// Public API of @otpforge/beam. Import from here only.
export {};
