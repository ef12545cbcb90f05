package dsn

// famOpenSMTPD: not recognised yet.
var famOpenSMTPD = family{name: "opensmtpd"}
