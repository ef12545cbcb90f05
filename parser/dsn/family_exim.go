package dsn

// famExim: not recognised yet.
var famExim = family{name: "exim"}
