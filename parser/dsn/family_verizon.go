package dsn

// famVerizon: not recognised yet.
var famVerizon = family{name: "verizon"}
