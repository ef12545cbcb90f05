package dsn

// famQmail: not recognised yet.
var famQmail = family{name: "qmail"}
