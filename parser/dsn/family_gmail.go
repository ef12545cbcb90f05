package dsn

// famGmail: not recognised yet.
var famGmail = family{name: "gmail"}
