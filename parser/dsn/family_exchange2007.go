package dsn

// famExchange2007: not recognised yet.
var famExchange2007 = family{name: "exchange2007"}
