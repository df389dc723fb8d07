// Public API of @otpforge/datasets. Import from here only.
export {};
