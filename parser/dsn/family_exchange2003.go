package dsn

// famExchange2003: not recognised yet.
var famExchange2003 = family{name: "exchange2003"}
