package dsn

// famMessageLabs: not recognised yet.
var famMessageLabs = family{name: "messagelabs"}
