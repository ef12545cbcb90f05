package dsn

// famYandex: not recognised yet.
var famYandex = family{name: "yandex"}
