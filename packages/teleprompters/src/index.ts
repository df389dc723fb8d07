// Public API of @otpforge/teleprompters. Import from here only.
export {};
