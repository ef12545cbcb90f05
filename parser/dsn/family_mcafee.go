package dsn

// famMcAfee: not recognised yet.
var famMcAfee = family{name: "mcafee"}
