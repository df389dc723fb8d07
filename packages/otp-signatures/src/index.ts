// Public API of @otpforge/otp-signatures. Import from here only.
export {};
