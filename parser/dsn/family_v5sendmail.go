package dsn

// famV5Sendmail: not recognised yet.
var famV5Sendmail = family{name: "v5sendmail"}
