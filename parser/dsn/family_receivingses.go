package dsn

// famReceivingSES: not recognised yet.
var famReceivingSES = family{name: "receivingses"}
